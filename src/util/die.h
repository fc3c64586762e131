/* Fatal errors: programming mistakes and out-of-memory. They print and abort. */
#ifndef ISMS_UTIL_DIE_H
#define ISMS_UTIL_DIE_H

_Noreturn void die(const char *msg);
_Noreturn void die_oom(void);

#endif
