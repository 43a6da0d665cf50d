/*
 * Environment iteration through `environ` (and main's third argument),
 * with the variables of environ_list.env.  Only ENV_-prefixed entries are
 * printed, sorted: the runner may pass extra diagnostic variables, and
 * the order in which it passes them is not specified.  Then putenv and
 * setenv add entries that iteration sees, unsetenv removes one, and
 * clearenv empties the environment.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *title, char **env)
{
    const char *found[64];
    int n = 0, other = 0;
    for (char **e = env; *e; e++) {
        if (strncmp(*e, "ENV_", 4) == 0 && n < 64)
            found[n++] = *e;
        other += strcmp(*e, "HOME_NOT_LISTED=/nowhere") == 0;
    }
    qsort(found, n, sizeof found[0], cmp_str);
    printf("%s: %d ENV_ entries\n", title, n);
    for (int i = 0; i < n; i++)
        printf("  [%s]\n", found[i]);
    printf("  HOME_NOT_LISTED present: %s\n", other == 1 ? "yes" : "no");
}

int main(int argc, char **argv, char **envp)
{
    printf("envp == environ: %s\n", envp == environ ? "yes" : "no");
    /* envp follows argv's NULL on the initial stack. */
    printf("envp == argv + argc + 1: %s\n", envp == argv + argc + 1 ? "yes" : "no");
    list("initial", environ);

    static char put[] = "ENV_PUT=from putenv";
    putenv(put);
    setenv("ENV_SET", "from setenv", 1);
    setenv("ENV_A", "replaced", 1);
    unsetenv("ENV_B");
    list("after putenv/setenv/unsetenv", environ);
    put[8] = 'F'; /* putenv shares the string: the change is visible */
    printf("getenv(ENV_PUT) after editing the string: [%s]\n", getenv("ENV_PUT"));

    clearenv();
    printf("after clearenv: environ %s, getenv(ENV_A) %s\n",
           environ == NULL || environ[0] == NULL ? "empty" : "not empty",
           getenv("ENV_A") ? "set" : "NULL");
    setenv("ENV_NEW", "1", 0);
    list("after clearenv + setenv", environ);
    return 0;
}
