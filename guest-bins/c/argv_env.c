/*
 * Command line and environment: argc, every argument in brackets (so spaces
 * and empty arguments are visible), selected environment variables, and a
 * setenv/getenv/unsetenv round trip.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void show(const char *name)
{
    const char *v = getenv(name);
    if (v)
        printf("env %s=[%s]\n", name, v);
    else
        printf("env %s unset\n", name);
}

int main(int argc, char **argv)
{
    /* argv[0] is whatever path the runner used: print only its last part. */
    const char *base = strrchr(argv[0], '/');
    printf("argc=%d\n", argc);
    printf("argv[0] basename=[%s]\n", base ? base + 1 : argv[0]);
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=[%s] len=%zu\n", i, argv[i], strlen(argv[i]));
    printf("argv[argc]=%s\n", argv[argc] == NULL ? "NULL" : "non-NULL");

    show("GUEST_GREETING");
    show("GUEST_SPACES");
    show("GUEST_EMPTY");
    show("GUEST_EQUALS");
    show("GUEST_NOT_SET");

    if (setenv("GUEST_NEW", "fresh value", 0) != 0)
        return 10;
    show("GUEST_NEW");
    if (setenv("GUEST_NEW", "ignored", 0) != 0) /* no overwrite */
        return 11;
    show("GUEST_NEW");
    if (setenv("GUEST_NEW", "replaced", 1) != 0)
        return 12;
    show("GUEST_NEW");
    if (setenv("GUEST_GREETING", "overwritten", 1) != 0)
        return 13;
    show("GUEST_GREETING");
    if (unsetenv("GUEST_NEW") != 0 || unsetenv("GUEST_SPACES") != 0)
        return 14;
    show("GUEST_NEW");
    show("GUEST_SPACES");
    printf("setenv(\"A=B\") fails: %s\n", setenv("A=B", "x", 1) == -1 ? "yes" : "no");
    return 0;
}
