/*
 * Form controls for fields, chosen by field type from the registry: the
 * same code writes the create and edit forms and the filters of a list.
 */
#ifndef ISMS_WEB_INPUTS_H
#define ISMS_WEB_INPUTS_H

#include "web/page.h"

enum { REF_CHOICES_MAX = 300 };

typedef enum input_mode {
    INPUT_FORM,   /* create and edit: the value to store */
    INPUT_FILTER, /* a list filter: "Any" first, one value */
} input_mode;

/*
 * The control for field f named f->name with id "f-<name>", showing text
 * (the canonical text form, or what the user typed). describedby may be
 * NULL; invalid marks it aria-invalid.
 */
void input_control(web_page *pg, const isms_field *f, const char *text, input_mode mode,
                   const char *describedby, bool invalid);

/* The canonical text of a value for a control (empty when unset). */
const char *input_text_of(web_page *pg, const isms_field *f, const isms_value *v);

#endif
