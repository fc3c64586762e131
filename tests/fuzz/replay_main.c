/*
 * Replays fuzz inputs without libFuzzer, so that the corpus runs as an
 * ordinary test with any compiler: calls LLVMFuzzerInitialize once, then
 * LLVMFuzzerTestOneInput on every file named on the command line and on
 * every regular file of every directory named (in name order, not
 * recursive). A finding aborts, as it does under libFuzzer.
 *
 *   fuzz-replay tests/fuzz/corpus [more files or directories]
 *
 * Fails when it finds no input at all, so a wrong path cannot pass.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_target.h"

enum { INPUT_MAX = 16u << 20 };

/* Run one file; false when it cannot be read. */
static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 0;
    }
    uint8_t *buf = malloc(INPUT_MAX);
    if (!buf) {
        fclose(f);
        fprintf(stderr, "out of memory\n");
        return 0;
    }
    size_t n = fread(buf, 1, INPUT_MAX, f);
    int ok = !ferror(f);
    fclose(f);
    if (!ok) {
        fprintf(stderr, "%s: read error\n", path);
    } else {
        /* A copy of exactly n bytes, so ASan sees reads past the end of the input. */
        uint8_t *input = malloc(n ? n : 1);
        if (!input) {
            fprintf(stderr, "out of memory\n");
            ok = 0;
        } else {
            memcpy(input, buf, n);
            LLVMFuzzerTestOneInput(input, n);
            free(input);
        }
    }
    free(buf);
    return ok;
}

static int is_dir(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int is_file(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
        return 2;
    }
    LLVMFuzzerInitialize(&argc, &argv);
    size_t total = 0;
    int failed = 0;
    for (int i = 1; i < argc; i++) {
        if (!is_dir(argv[i])) {
            if (replay_file(argv[i]))
                total++;
            else
                failed = 1;
            continue;
        }
        struct dirent **names;
        int n = scandir(argv[i], &names, NULL, alphasort);
        if (n < 0) {
            perror(argv[i]);
            failed = 1;
            continue;
        }
        for (int j = 0; j < n; j++) {
            size_t len = strlen(argv[i]) + strlen(names[j]->d_name) + 2;
            char *path = malloc(len);
            if (path) {
                snprintf(path, len, "%s/%s", argv[i], names[j]->d_name);
                if (names[j]->d_name[0] != '.' && is_file(path)) {
                    if (replay_file(path))
                        total++;
                    else
                        failed = 1;
                }
            } else {
                failed = 1;
            }
            free(path);
            free(names[j]);
        }
        free(names);
    }
    printf("replayed %zu inputs\n", total);
    if (total == 0) {
        fprintf(stderr, "no inputs found\n");
        return 1;
    }
    return failed;
}
