/* SPDX-License-Identifier: MIT */
/* Output files written through a temporary name and renamed into place. */
#include "output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The temporary file being written, for the fatal-signal handler. */
static const char *volatile pending_tmp;

void output_discard_pending(void)
{
    const char *tmp = pending_tmp;
    if (tmp != NULL)
        unlink(tmp);
}

bool output_open(struct output *o, const char *path)
{
    memset(o, 0, sizeof *o);
    if (path == NULL || strcmp(path, "-") == 0) {
        o->fp = stdout;
        return true;
    }
    /* Write through a symbolic link to the file it names, and keep an
     * existing file's permissions: the rename replaces the file itself. */
    char *resolved = realpath(path, NULL);
    const char *target = resolved != NULL ? resolved : path;
    struct stat st;
    bool found = stat(target, &st) == 0;
    if (found && !S_ISREG(st.st_mode)) {
        /* A device, FIFO or socket (-o /dev/null, -o /dev/stdout): written
         * to in place; renaming a file over it would replace it. */
        free(resolved);
        o->fp = fopen(path, "w");
        if (o->fp == NULL) {
            fprintf(stderr, "pcapsift: %s: cannot open: %s\n", path,
                    strerror(errno));
            return false;
        }
        o->direct = true;
        return true;
    }
    bool exists = found;
    size_t n = strlen(target) + sizeof ".tmp.XXXXXX";
    o->path = strdup(target);
    free(resolved);
    o->tmp_path = malloc(n);
    if (o->path == NULL || o->tmp_path == NULL) {
        fprintf(stderr, "pcapsift: out of memory\n");
        output_close(o, false);
        return false;
    }
    snprintf(o->tmp_path, n, "%s.tmp.XXXXXX", o->path);
    int fd = mkstemp(o->tmp_path);
    if (fd < 0) {
        fprintf(stderr, "pcapsift: %s: cannot create: %s\n", path,
                strerror(errno));
        free(o->tmp_path);
        o->tmp_path = NULL;
        output_close(o, false);
        return false;
    }
    /* mkstemp makes the file 0600; give it the mode the file had, or the
     * one a plain create would. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, exists ? st.st_mode & 07777 : 0666 & ~mask);
    o->fp = fdopen(fd, "w");
    pending_tmp = o->tmp_path;
    if (o->fp == NULL) {
        close(fd);
        output_close(o, false);
        return false;
    }
    return true;
}

bool output_close(struct output *o, bool ok)
{
    if (o->fp != NULL && o->fp != stdout) {
        if (fflush(o->fp) != 0 || ferror(o->fp))
            ok = false;
        if (fclose(o->fp) != 0)
            ok = false;
    } else if (o->fp == stdout) {
        if (fflush(stdout) != 0 || ferror(stdout))
            ok = false;
    }
    pending_tmp = NULL;
    if (o->tmp_path != NULL) {
        if (ok && rename(o->tmp_path, o->path) != 0) {
            fprintf(stderr, "pcapsift: %s: cannot write: %s\n", o->path,
                    strerror(errno));
            ok = false;
        }
        if (!ok)
            unlink(o->tmp_path);
    }
    free(o->path);
    free(o->tmp_path);
    memset(o, 0, sizeof *o);
    return ok;
}
