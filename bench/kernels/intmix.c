/* Integer mix (CoreMark-like, one program): each pass sorts a linked list
 * (merge sort by key, then by a second key), runs int16 matrix operations
 * (constant add, matrix-vector and matrix-matrix multiply), drives a
 * number-scanning state machine over a byte buffer, and folds every
 * result into a bitwise CRC-16.  The inputs of a pass depend on the CRC of
 * the previous one, so no pass can be skipped or hoisted. */
#include <string.h>

#include "bench.h"

enum { NODES = 2048, MAT = 32, TEXT = 4096, PASSES = 200 };

struct node {
    struct node *next;
    uint16_t key, data;
};

static uint16_t crc16(uint16_t crc, uint32_t v, int bytes)
{
    for (int b = 0; b < bytes; b++) {
        crc ^= (uint8_t)(v >> (8 * b));
        for (int i = 0; i < 8; i++)
            crc = crc & 1 ? (uint16_t)((crc >> 1) ^ 0xA001) : (uint16_t)(crc >> 1);
    }
    return crc;
}

static int by_key(const struct node *a, const struct node *b)
{
    return a->key != b->key ? a->key - b->key : a->data - b->data;
}

static int by_data(const struct node *a, const struct node *b)
{
    return a->data != b->data ? a->data - b->data : a->key - b->key;
}

/* Bottom-up merge sort of a singly linked list. */
static struct node *list_sort(struct node *list, int (*cmp)(const struct node *, const struct node *))
{
    for (size_t width = 1;; width *= 2) {
        struct node *p = list, *tail = NULL;
        list = NULL;
        size_t merges = 0;
        while (p) {
            merges++;
            struct node *q = p;
            size_t psize = 0, qsize = width;
            while (psize < width && q) {
                psize++;
                q = q->next;
            }
            while (psize > 0 || (qsize > 0 && q)) {
                struct node *e;
                if (psize == 0) {
                    e = q, q = q->next, qsize--;
                } else if (qsize == 0 || !q || cmp(p, q) <= 0) {
                    e = p, p = p->next, psize--;
                } else {
                    e = q, q = q->next, qsize--;
                }
                if (tail)
                    tail->next = e;
                else
                    list = e;
                tail = e;
            }
            p = q;
        }
        tail->next = NULL;
        if (merges <= 1)
            return list;
    }
}

static uint16_t list_pass(struct node *nodes, uint16_t seed)
{
    struct node *list = NULL;
    for (int i = NODES - 1; i >= 0; i--) {
        nodes[i].key = (uint16_t)(nodes[i].key * 25173u + seed);
        nodes[i].next = list;
        list = &nodes[i];
    }
    list = list_sort(list, by_key);
    uint16_t crc = 0;
    int n = 0;
    for (struct node *p = list; p; p = p->next, n++)
        if (n % 64 == 0)
            crc = crc16(crc, p->key, 2);
    list = list_sort(list, by_data);
    for (struct node *p = list; p; p = p->next)
        crc = crc16(crc, p->key, 1);
    return crc;
}

static uint16_t matrix_pass(int16_t a[MAT][MAT], int16_t b[MAT][MAT], int32_t c[MAT][MAT], uint16_t seed)
{
    int16_t k = (int16_t)(seed & 0xff);
    int32_t v[MAT];
    for (int i = 0; i < MAT; i++)
        for (int j = 0; j < MAT; j++)
            a[i][j] = (int16_t)(a[i][j] + k);
    for (int i = 0; i < MAT; i++) {
        int32_t s = 0;
        for (int j = 0; j < MAT; j++)
            s += a[i][j] * b[j][i];
        v[i] = s;
    }
    for (int i = 0; i < MAT; i++)
        for (int j = 0; j < MAT; j++) {
            int32_t s = 0;
            for (int x = 0; x < MAT; x++)
                s += a[i][x] * b[x][j];
            c[i][j] = s;
        }
    uint16_t crc = 0;
    for (int i = 0; i < MAT; i++) {
        crc = crc16(crc, (uint32_t)v[i], 4);
        crc = crc16(crc, (uint32_t)c[i][(i * 7) % MAT], 4);
    }
    return crc;
}

/* States of the scanner: start, integer, fraction, exponent, invalid. */
enum { S_START, S_INT, S_FRAC, S_EXP, S_BAD, S_COUNT };

static uint16_t fsm_pass(const char *text, size_t n)
{
    uint32_t final[S_COUNT] = { 0 }, transitions = 0;
    int state = S_START;
    for (size_t i = 0; i < n; i++) {
        char ch = text[i];
        int next = state;
        if (ch == ',') {
            final[state]++;
            next = S_START;
        } else {
            switch (state) {
            case S_START:
                next = (ch >= '0' && ch <= '9') || ch == '+' || ch == '-' ? S_INT : ch == '.' ? S_FRAC : S_BAD;
                break;
            case S_INT:
                next = ch >= '0' && ch <= '9' ? S_INT : ch == '.' ? S_FRAC : ch == 'e' || ch == 'E' ? S_EXP : S_BAD;
                break;
            case S_FRAC:
                next = ch >= '0' && ch <= '9' ? S_FRAC : ch == 'e' || ch == 'E' ? S_EXP : S_BAD;
                break;
            case S_EXP:
                next = (ch >= '0' && ch <= '9') || ch == '+' || ch == '-' ? S_EXP : S_BAD;
                break;
            default:
                break;
            }
        }
        transitions += next != state;
        state = next;
    }
    uint16_t crc = crc16(0, transitions, 4);
    for (int s = 0; s < S_COUNT; s++)
        crc = crc16(crc, final[s], 4);
    return crc;
}

KERNEL static uint16_t run(struct node *nodes, int16_t a[MAT][MAT], int16_t b[MAT][MAT], int32_t c[MAT][MAT],
                           char *text)
{
    uint16_t crc = 0xffff;
    for (int p = 0; p < PASSES; p++) {
        crc = crc16(crc, list_pass(nodes, crc), 2);
        crc = crc16(crc, matrix_pass(a, b, c, crc), 2);
        text[crc % TEXT] = "0123456789.,eE+-x"[crc % 17];
        crc = crc16(crc, fsm_pass(text, TEXT), 2);
    }
    return crc;
}

int main(void)
{
    static struct node nodes[NODES];
    static int16_t a[MAT][MAT], b[MAT][MAT];
    static int32_t c[MAT][MAT];
    static char text[TEXT];
    for (int i = 0; i < NODES; i++) {
        nodes[i].key = (uint16_t)lcg_next();
        nodes[i].data = (uint16_t)lcg_next();
    }
    for (int i = 0; i < MAT; i++)
        for (int j = 0; j < MAT; j++) {
            a[i][j] = (int16_t)(lcg_next() % 256 - 128);
            b[i][j] = (int16_t)(lcg_next() % 256 - 128);
        }
    static const char alphabet[] = "0123456789012345678901234567890123456789.,,,,eE+-x";
    for (int i = 0; i < TEXT; i++)
        text[i] = alphabet[lcg_next() % (sizeof alphabet - 1)];
    uint64_t t0 = now_ns();
    uint16_t crc = run(nodes, a, b, c, text);
    uint64_t t1 = now_ns();
    report("intmix", crc, t0, t1);
    return 0;
}
