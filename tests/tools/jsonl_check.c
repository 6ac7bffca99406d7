/* SPDX-License-Identifier: MIT */
/* Parses every line of JSON Lines files with cJSON (or, with -a, each file
 * as one JSON document) and checks that each transaction object has the
 * fields docs/http.md promises. usage: jsonl_check [-a] FILE...
 * Exit 1 at the first line that does not parse or lacks a field. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const txn_fields[] = {"type", "id", "conn", "index",
                                         "time", "client", "client_port",
                                         "server", "server_port",
                                         "connect_ns", "request", "response",
                                         "flags"};

static int check_object(const cJSON *o, const char *file, long line)
{
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(o, "type");
    if (!cJSON_IsString(type)) {
        fprintf(stderr, "%s:%ld: no \"type\"\n", file, line);
        return 1;
    }
    if (strcmp(type->valuestring, "http") != 0)
        return 0;
    for (size_t i = 0; i < sizeof txn_fields / sizeof txn_fields[0]; i++)
        if (cJSON_GetObjectItemCaseSensitive(o, txn_fields[i]) == NULL) {
            fprintf(stderr, "%s:%ld: no \"%s\"\n", file, line, txn_fields[i]);
            return 1;
        }
    return 0;
}

static char *slurp(FILE *fp, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf != NULL && (got = fread(buf + n, 1, cap - n - 1, fp)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            char *b = realloc(buf, cap * 2);
            if (b == NULL) {
                free(buf);
                return NULL;
            }
            buf = b;
            cap *= 2;
        }
    }
    if (buf != NULL)
        buf[n] = '\0';
    *len = n;
    return buf;
}

static int check_file(const char *path, int whole)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        perror(path);
        return 1;
    }
    size_t len;
    char *text = slurp(fp, &len);
    fclose(fp);
    if (text == NULL)
        return 1;
    int bad = 0;
    long line = 0;
    if (whole) {
        cJSON *doc = cJSON_ParseWithLength(text, len);
        if (!cJSON_IsArray(doc)) {
            fprintf(stderr, "%s: not a JSON array\n", path);
            bad = 1;
        }
        const cJSON *o;
        cJSON_ArrayForEach(o, doc) if (!bad) bad = check_object(o, path, ++line);
        cJSON_Delete(doc);
    }
    for (char *p = text, *nl; !whole && !bad && *p; p = nl + 1) {
        nl = strchr(p, '\n');
        if (nl == NULL) {
            fprintf(stderr, "%s: last line has no line end\n", path);
            bad = 1;
            break;
        }
        line++;
        cJSON *o = cJSON_ParseWithLength(p, (size_t)(nl - p));
        if (!cJSON_IsObject(o)) {
            fprintf(stderr, "%s:%ld: not a JSON object\n", path, line);
            bad = 1;
        } else {
            bad = check_object(o, path, line);
        }
        cJSON_Delete(o);
    }
    free(text);
    if (!bad)
        printf("ok %s (%ld objects)\n", path, line);
    return bad;
}

int main(int argc, char **argv)
{
    int whole = argc > 1 && strcmp(argv[1], "-a") == 0;
    int bad = 0;
    for (int i = 1 + whole; i < argc; i++)
        bad |= check_file(argv[i], whole);
    return bad;
}
