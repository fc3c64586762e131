#include "util/die.h"

#include <stdio.h>
#include <stdlib.h>

void die(const char *msg)
{
    fprintf(stderr, "isms: fatal: %s\n", msg);
    abort();
}

void die_oom(void)
{
    die("out of memory");
}
