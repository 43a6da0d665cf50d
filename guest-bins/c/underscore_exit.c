/*
 * _exit(3) ends the process without flushing stdio: text left in the stdout
 * buffer must not appear (stdout is a pipe in the test, so fully buffered),
 * while text written with write(2) must.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    static const char msg[] = "written with write(2)\n";
    setvbuf(stdout, NULL, _IOFBF, BUFSIZ); /* buffered even on a terminal */
    printf("flushed line\n");
    fflush(stdout);
    printf("this line stays in the stdio buffer and must not appear\n");
    if (write(1, msg, strlen(msg)) != (ssize_t)strlen(msg))
        return 1;
    _exit(3);
}
