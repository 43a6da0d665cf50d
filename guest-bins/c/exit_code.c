/* exit(42): stdio is flushed by exit, status is 42. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    printf("exiting with 42\n");
    exit(42);
}
