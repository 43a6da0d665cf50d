/*
 * GNU getopt_long over the arguments in getopt_long.args: short options
 * with required and optional arguments, bundled short options, long
 * options with "=value" and separate values, an abbreviated long option, a
 * flag-setting long option, an unknown option and a missing argument
 * (reported as '?' and ':' with opterr = 0, so nothing goes to stderr),
 * GNU permutation of non-options to the end, and "--" ending the options.
 */
#include <getopt.h>
#include <stdio.h>

static int flag_set;

static const struct option longopts[] = {
    {"verbose", no_argument, NULL, 'v'},
    {"number", required_argument, NULL, 'n'},
    {"name", required_argument, NULL, 'N'},
    {"optional", optional_argument, NULL, 'o'},
    {"set-flag", no_argument, &flag_set, 42},
    {"level", required_argument, NULL, 1000},
    {NULL, 0, NULL, 0},
};

static void parse(int argc, char **argv)
{
    int c, index = -1;
    /* Leading ':' makes a missing argument return ':' instead of '?'. */
    while ((c = getopt_long(argc, argv, ":vn:o::x", longopts, &index)) != -1) {
        switch (c) {
        case 'v':
            printf("option v%s\n", index >= 0 ? " (long --verbose)" : "");
            break;
        case 'n':
        case 'N':
            printf("option %c with [%s]\n", c, optarg);
            break;
        case 'o':
            printf("option o with %s%s%s\n", optarg ? "[" : "", optarg ? optarg : "no argument",
                   optarg ? "]" : "");
            break;
        case 'x':
            printf("option x\n");
            break;
        case 0:
            printf("long option --%s set the flag to %d\n", longopts[index].name, flag_set);
            break;
        case 1000:
            printf("long option --%s with [%s]\n", longopts[index].name, optarg);
            break;
        case '?':
            if (optopt)
                printf("unknown option -%c\n", optopt);
            else
                printf("unknown long option %s\n", argv[optind - 1]);
            break;
        case ':':
            printf("missing argument for -%c\n", optopt);
            break;
        default:
            printf("unexpected getopt result %d\n", c);
        }
        index = -1;
    }
}

int main(int argc, char **argv)
{
    opterr = 0;
    parse(argc, argv);
    printf("optind=%d argc=%d\n", optind, argc);
    for (int i = optind; i < argc; i++)
        printf("operand [%s]\n", argv[i]);
    /* After permutation the operands sit at the end of argv. */
    printf("argv after permutation:");
    for (int i = 1; i < argc; i++)
        printf(" %s", argv[i]);
    printf("\n");

    /* A second scan (optind = 0 reinitialises GNU getopt) of a vector
     * ending in an option that needs an argument. */
    char *again[] = {argv[0], "-x", "--level", "9", "-n", NULL};
    optind = 0;
    printf("second scan:\n");
    parse(5, again);
    printf("optind=%d\n", optind);
    return 0;
}
