/* Returning 7 from main is exit(7). */
#include <stdio.h>

int main(void)
{
    printf("returning 7 from main\n");
    return 7;
}
