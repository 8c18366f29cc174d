/*
 * hilguest: the guest agent of the OS phase. A static Linux program, started by the initramfs's /init on
 * the serial console, that reaches the firmware's variable services the way an OS does: through efivarfs.
 * Protocol: agent/linux/PROTOCOL.md. Every reply names the errno of the system call that failed and which
 * call it was; no EFI status is inferred here.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <termios.h>
#include <unistd.h>

#define PROTOCOL_VERSION 1
#define EFIVARS "/sys/firmware/efi/efivars"
#define EFIVARFS_MAGIC 0xde5e81e4u
#define MAX_LINE (256 * 1024)
#define MAX_DATA (1024 * 1024)
#define MAX_PAIRS 16
#define GUID_TEXT 36
#define APPEND_WRITE 0x40u

static int con_in = 0;
static int con_out = 1;

/* ---- output ------------------------------------------------------------------------------------------ */

struct out {
    char *buf;
    size_t len;
    size_t cap;
};

static void out_reserve(struct out *o, size_t more)
{
    if (o->len + more + 1 <= o->cap) {
        return;
    }
    size_t cap = o->cap ? o->cap : 256;
    while (cap < o->len + more + 1) {
        cap *= 2;
    }
    char *b = realloc(o->buf, cap);
    if (b == NULL) {
        /* Nothing sensible is left to say on a machine without memory; the host times out and reports it. */
        _exit(70);
    }
    o->buf = b;
    o->cap = cap;
}

static void out_printf(struct out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    out_reserve(o, (size_t)n);
    vsnprintf(o->buf + o->len, (size_t)n + 1, fmt, ap);
    o->len += (size_t)n;
    va_end(ap);
}

static void out_hex(struct out *o, const unsigned char *bytes, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    out_reserve(o, n * 2);
    for (size_t i = 0; i < n; i++) {
        o->buf[o->len++] = digits[bytes[i] >> 4];
        o->buf[o->len++] = digits[bytes[i] & 15];
    }
    o->buf[o->len] = 0;
}

/* Writes a whole reply line; the console is raw, so the line end is written as CR LF here. */
static void send_line(struct out *o)
{
    out_printf(o, "\r\n");
    size_t done = 0;
    while (done < o->len) {
        ssize_t n = write(con_out, o->buf + done, o->len - done);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            _exit(71);
        }
        done += (size_t)n;
    }
    o->len = 0;
}

/* ---- errno names ------------------------------------------------------------------------------------- */

static const char *errno_name(int e)
{
    switch (e) {
    case 0: return "OK";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EINTR: return "EINTR";
    case EIO: return "EIO";
    case E2BIG: return "E2BIG";
    case EBADF: return "EBADF";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case ENODEV: return "ENODEV";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case ENFILE: return "ENFILE";
    case EMFILE: return "EMFILE";
    case ENOTTY: return "ENOTTY";
    case EFBIG: return "EFBIG";
    case ENOSPC: return "ENOSPC";
    case EROFS: return "EROFS";
    case ERANGE: return "ERANGE";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOSYS: return "ENOSYS";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ETIMEDOUT: return "ETIMEDOUT";
    default: return "EUNKNOWN";
    }
}

/* ---- request parsing --------------------------------------------------------------------------------- */

struct pair {
    char *key;
    char *value;
};

struct request {
    char *seq;
    char *op;
    struct pair pairs[MAX_PAIRS];
    int npairs;
};

static int is_plain(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 32) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
            return 0;
        }
    }
    return 1;
}

static void reply_error(const char *seq, const char *reason, const char *detail)
{
    struct out o = {0};
    out_printf(&o, "@HIL %s ERROR reason=%s", seq, reason);
    if (detail != NULL && is_plain(detail)) {
        out_printf(&o, ":%s", detail);
    }
    send_line(&o);
    free(o.buf);
}

static int valid_seq(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 20) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
    }
    /* 20 digits may exceed 64 bits */
    return n < 20 || strcmp(s, "18446744073709551615") <= 0;
}

/* Splits a request line in place; on failure it has replied and returns 0. */
static int parse_request(char *line, struct request *r)
{
    memset(r, 0, sizeof(*r));
    char *save = NULL;
    char *tok = strtok_r(line, " ", &save);
    if (tok == NULL) {
        return 0;
    }
    if (!valid_seq(tok)) {
        reply_error("0", "bad-seq", NULL);
        return 0;
    }
    r->seq = tok;
    r->op = strtok_r(NULL, " ", &save);
    if (r->op == NULL) {
        reply_error(r->seq, "missing-op", NULL);
        return 0;
    }
    while ((tok = strtok_r(NULL, " ", &save)) != NULL) {
        char *eq = strchr(tok, '=');
        if (eq == NULL || eq == tok) {
            reply_error(r->seq, "bad-pair", NULL);
            return 0;
        }
        if (r->npairs == MAX_PAIRS) {
            reply_error(r->seq, "too-many-pairs", NULL);
            return 0;
        }
        *eq = 0;
        for (int i = 0; i < r->npairs; i++) {
            if (strcmp(r->pairs[i].key, tok) == 0) {
                reply_error(r->seq, "duplicate-key", tok);
                return 0;
            }
        }
        r->pairs[r->npairs].key = tok;
        r->pairs[r->npairs].value = eq + 1;
        r->npairs++;
    }
    return 1;
}

static const char *value_of(const struct request *r, const char *key)
{
    for (int i = 0; i < r->npairs; i++) {
        if (strcmp(r->pairs[i].key, key) == 0) {
            return r->pairs[i].value;
        }
    }
    return NULL;
}

/* Every key must be one of `known`; every key of `required` must be present. */
static int check_keys(const struct request *r, const char *const *known, const char *const *required)
{
    for (int i = 0; i < r->npairs; i++) {
        int ok = 0;
        for (const char *const *k = known; *k != NULL; k++) {
            if (strcmp(*k, r->pairs[i].key) == 0) {
                ok = 1;
            }
        }
        if (!ok) {
            reply_error(r->seq, "unknown-key", r->pairs[i].key);
            return 0;
        }
    }
    for (const char *const *k = required; *k != NULL; k++) {
        if (value_of(r, *k) == NULL) {
            reply_error(r->seq, "missing-key", *k);
            return 0;
        }
    }
    return 1;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes an even-length hex string; returns the byte count or -1. */
static long decode_hex(const char *s, unsigned char *dst, size_t cap)
{
    size_t n = strlen(s);
    if (n % 2 != 0 || n / 2 > cap) {
        return -1;
    }
    for (size_t i = 0; i < n; i += 2) {
        int hi = hexval(s[i]);
        int lo = hexval(s[i + 1]);
        if (hi < 0 || lo < 0) {
            return -1;
        }
        dst[i / 2] = (unsigned char)(hi << 4 | lo);
    }
    return (long)(n / 2);
}

static int parse_decimal(const char *s, unsigned long *out)
{
    if (*s == 0 || strlen(s) > 9) {
        return 0;
    }
    unsigned long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') {
            return 0;
        }
        v = v * 10 + (unsigned long)(*p - '0');
    }
    *out = v;
    return 1;
}

/* The variable name, hex of UTF-16LE code units without the NUL, as UTF-8 for the file name. */
static int decode_name(const char *hex, char *dst, size_t cap)
{
    size_t n = strlen(hex);
    if (n % 4 != 0) {
        return 0;
    }
    size_t len = 0;
    for (size_t i = 0; i < n; i += 4) {
        int d[4];
        for (int k = 0; k < 4; k++) {
            d[k] = hexval(hex[i + k]);
            if (d[k] < 0) {
                return 0;
            }
        }
        unsigned cu = (unsigned)(d[0] << 4 | d[1]) | (unsigned)(d[2] << 4 | d[3]) << 8;
        if (cu == 0 || cu == '/' || (cu >= 0xD800 && cu <= 0xDFFF)) {
            /* A NUL, a path separator or a surrogate cannot be part of an efivarfs file name. */
            return 0;
        }
        unsigned char u[3];
        size_t m;
        if (cu < 0x80) {
            u[0] = (unsigned char)cu;
            m = 1;
        } else if (cu < 0x800) {
            u[0] = (unsigned char)(0xC0 | cu >> 6);
            u[1] = (unsigned char)(0x80 | (cu & 0x3F));
            m = 2;
        } else {
            u[0] = (unsigned char)(0xE0 | cu >> 12);
            u[1] = (unsigned char)(0x80 | ((cu >> 6) & 0x3F));
            u[2] = (unsigned char)(0x80 | (cu & 0x3F));
            m = 3;
        }
        if (len + m + 1 > cap) {
            return 0;
        }
        memcpy(dst + len, u, m);
        len += m;
    }
    dst[len] = 0;
    return 1;
}

static int valid_guid(const char *g)
{
    if (strlen(g) != GUID_TEXT) {
        return 0;
    }
    for (int i = 0; i < GUID_TEXT; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (g[i] != '-') {
                return 0;
            }
        } else if (hexval(g[i]) < 0) {
            return 0;
        }
    }
    return 1;
}

/* The efivarfs path of name+guid: <name>-<guid in lower case>. */
static int variable_path(const struct request *r, char *path, size_t cap)
{
    char name[1024];
    const char *hex = value_of(r, "name");
    const char *guid = value_of(r, "guid");
    if (!decode_name(hex, name, sizeof(name))) {
        reply_error(r->seq, "bad-value", "name");
        return 0;
    }
    if (!valid_guid(guid)) {
        reply_error(r->seq, "bad-value", "guid");
        return 0;
    }
    char lower[GUID_TEXT + 1];
    for (int i = 0; i <= GUID_TEXT; i++) {
        lower[i] = (char)((guid[i] >= 'A' && guid[i] <= 'F') ? guid[i] + 32 : guid[i]);
    }
    if ((size_t)snprintf(path, cap, "%s/%s-%s", EFIVARS, name, lower) >= cap) {
        reply_error(r->seq, "too-large", "name");
        return 0;
    }
    return 1;
}

/* Decodes `data` (hex:, fill:n:HH, seq:n) into buf; returns the byte count or -1 after replying. */
static long decode_data(const struct request *r, unsigned char *buf, size_t cap)
{
    const char *v = value_of(r, "data");
    if (strncmp(v, "hex:", 4) == 0) {
        long n = decode_hex(v + 4, buf, cap);
        if (n < 0) {
            reply_error(r->seq, strlen(v + 4) / 2 > cap ? "too-large" : "bad-value", "data");
        }
        return n;
    }
    if (strncmp(v, "fill:", 5) == 0) {
        char countText[16];
        const char *colon = strchr(v + 5, ':');
        unsigned long count;
        if (colon == NULL || (size_t)(colon - (v + 5)) >= sizeof(countText) || strlen(colon + 1) != 2) {
            reply_error(r->seq, "bad-value", "data");
            return -1;
        }
        memcpy(countText, v + 5, (size_t)(colon - (v + 5)));
        countText[colon - (v + 5)] = 0;
        unsigned char b;
        if (!parse_decimal(countText, &count) || decode_hex(colon + 1, &b, 1) != 1) {
            reply_error(r->seq, "bad-value", "data");
            return -1;
        }
        if (count > cap) {
            reply_error(r->seq, "too-large", "data");
            return -1;
        }
        memset(buf, b, count);
        return (long)count;
    }
    if (strncmp(v, "seq:", 4) == 0) {
        unsigned long count;
        if (!parse_decimal(v + 4, &count)) {
            reply_error(r->seq, "bad-value", "data");
            return -1;
        }
        if (count > cap) {
            reply_error(r->seq, "too-large", "data");
            return -1;
        }
        for (unsigned long i = 0; i < count; i++) {
            buf[i] = (unsigned char)i;
        }
        return (long)count;
    }
    reply_error(r->seq, "bad-value", "data");
    return -1;
}

/* ---- efivarfs ---------------------------------------------------------------------------------------- */

static void reply_errno(struct out *o, int e, const char *at)
{
    out_printf(o, " errno=%d errname=%s", e, errno_name(e));
    if (e != 0 && at != NULL) {
        out_printf(o, " at=%s", at);
    }
}

/*
 * Files of variables the kernel considers not removable carry the immutable flag; writing or deleting them
 * needs it cleared first. Returns 1 when it was set and is now clear, 0 when it was not set, -errno on failure.
 */
static int clear_immutable(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return errno == ENOENT ? 0 : -errno;
    }
    int flags = 0;
    int result = 0;
    if (ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0) {
        result = -errno;
    } else if (flags & FS_IMMUTABLE_FL) {
        flags &= ~FS_IMMUTABLE_FL;
        result = ioctl(fd, FS_IOC_SETFLAGS, &flags) < 0 ? -errno : 1;
    }
    close(fd);
    return result;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/*
 * GET: read the variable's file. The kernel answers a read with GetVariable calls; a variable the
 * firmware reports as not found reads as 0 bytes. When efivarfs has no file for the name, an empty
 * one is created first (the kernel makes no firmware call for that), so that the read still is a real
 * GetVariable call; the reply says so with created=1.
 */
static void op_get(const struct request *r)
{
    static const char *const known[] = {"name", "guid", NULL};
    static const char *const required[] = {"name", "guid", NULL};
    char path[1200];
    if (!check_keys(r, known, required) || !variable_path(r, path, sizeof(path))) {
        return;
    }
    struct out o = {0};
    out_printf(&o, "@HIL %s GET", r->seq);
    int created = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
        created = fd >= 0;
    }
    if (fd < 0) {
        reply_errno(&o, errno, "open");
        send_line(&o);
        free(o.buf);
        return;
    }
    static unsigned char buf[MAX_DATA + 8];
    size_t total = 0;
    int err = 0;
    /* efivarfs hands the whole variable to the first read; loop anyway, as for any file. */
    while (total < sizeof(buf)) {
        ssize_t n = read(fd, buf + total, sizeof(buf) - total);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            err = errno;
            break;
        }
        if (n == 0) {
            break;
        }
        total += (size_t)n;
    }
    close(fd);
    if (err != 0) {
        reply_errno(&o, err, "read");
    } else if (total == 0) {
        /* EOF at once: the kernel's GetVariable returned EFI_NOT_FOUND. */
        reply_errno(&o, ENOENT, "read-empty");
    } else if (total < 4) {
        reply_errno(&o, EIO, "read-short");
    } else {
        uint32_t attrs = (uint32_t)buf[0] | (uint32_t)buf[1] << 8 | (uint32_t)buf[2] << 16 | (uint32_t)buf[3] << 24;
        reply_errno(&o, 0, NULL);
        out_printf(&o, " attrs=0x%x size=%zu data=", attrs, total - 4);
        out_hex(&o, buf + 4, total - 4);
    }
    if (created) {
        out_printf(&o, " created=1");
    }
    send_line(&o);
    free(o.buf);
}

/*
 * SET: write the attributes (4 bytes, little endian) followed by the data in one write(). The file is
 * opened without O_TRUNC (efivarfs refuses truncation), with O_APPEND when the attributes ask for an
 * append, and created when efivarfs has no file for the name.
 */
static void op_set(const struct request *r)
{
    static const char *const known[] = {"name", "guid", "attrs", "data", NULL};
    static const char *const required[] = {"name", "guid", "attrs", "data", NULL};
    char path[1200];
    if (!check_keys(r, known, required) || !variable_path(r, path, sizeof(path))) {
        return;
    }
    const char *attrsText = value_of(r, "attrs");
    if (strncmp(attrsText, "0x", 2) == 0 || strncmp(attrsText, "0X", 2) == 0) {
        attrsText += 2;
    }
    size_t an = strlen(attrsText);
    if (an == 0 || an > 8) {
        reply_error(r->seq, "bad-value", "attrs");
        return;
    }
    uint32_t attrs = 0;
    for (size_t i = 0; i < an; i++) {
        int d = hexval(attrsText[i]);
        if (d < 0) {
            reply_error(r->seq, "bad-value", "attrs");
            return;
        }
        attrs = attrs << 4 | (uint32_t)d;
    }
    static unsigned char buf[MAX_DATA + 4];
    long n = decode_data(r, buf + 4, MAX_DATA);
    if (n < 0) {
        return;
    }
    buf[0] = (unsigned char)attrs;
    buf[1] = (unsigned char)(attrs >> 8);
    buf[2] = (unsigned char)(attrs >> 16);
    buf[3] = (unsigned char)(attrs >> 24);

    struct out o = {0};
    out_printf(&o, "@HIL %s SET", r->seq);
    int existed = exists(path);
    int cleared = clear_immutable(path);
    if (cleared < 0) {
        reply_errno(&o, -cleared, "ioctl");
        send_line(&o);
        free(o.buf);
        return;
    }
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | ((attrs & APPEND_WRITE) ? O_APPEND : 0);
    int fd = open(path, flags, 0644);
    if (fd < 0) {
        reply_errno(&o, errno, "open");
    } else {
        ssize_t w;
        do {
            w = write(fd, buf, (size_t)n + 4);
        } while (w < 0 && errno == EINTR);
        int err = w < 0 ? errno : 0;
        close(fd);
        if (w >= 0 && (size_t)w != (size_t)n + 4) {
            reply_errno(&o, EIO, "write-short");
        } else {
            reply_errno(&o, err, "write");
        }
    }
    if (!existed) {
        out_printf(&o, " created=1");
    }
    if (cleared == 1) {
        out_printf(&o, " immutable=cleared");
    }
    send_line(&o);
    free(o.buf);
}

/*
 * DELETE: unlink the variable's file; the kernel deletes the variable with SetVariable(name, guid, 0, 0,
 * NULL). When efivarfs has no file for the name, an empty one is created first so that the unlink still
 * reaches the firmware.
 */
static void op_delete(const struct request *r)
{
    static const char *const known[] = {"name", "guid", NULL};
    static const char *const required[] = {"name", "guid", NULL};
    char path[1200];
    if (!check_keys(r, known, required) || !variable_path(r, path, sizeof(path))) {
        return;
    }
    struct out o = {0};
    out_printf(&o, "@HIL %s DELETE", r->seq);
    int created = 0;
    if (!exists(path)) {
        int fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) {
            reply_errno(&o, errno, "open");
            send_line(&o);
            free(o.buf);
            return;
        }
        close(fd);
        created = 1;
    }
    int cleared = clear_immutable(path);
    if (cleared < 0) {
        reply_errno(&o, -cleared, "ioctl");
    } else {
        reply_errno(&o, unlink(path) < 0 ? errno : 0, "unlink");
    }
    if (created) {
        out_printf(&o, " created=1");
    }
    if (cleared == 1) {
        out_printf(&o, " immutable=cleared");
    }
    send_line(&o);
    free(o.buf);
}

/* UTF-8 file name to hex of UTF-16LE code units; 0 for text that is not UTF-8 of the BMP. */
static int name_to_utf16_hex(struct out *o, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = (unsigned char)s[i];
        unsigned cu;
        if (c < 0x80) {
            cu = c;
            i += 1;
        } else if ((c & 0xE0) == 0xC0 && i + 1 < n) {
            cu = (c & 0x1F) << 6 | ((unsigned char)s[i + 1] & 0x3F);
            i += 2;
        } else if ((c & 0xF0) == 0xE0 && i + 2 < n) {
            cu = (c & 0x0F) << 12 | ((unsigned char)s[i + 1] & 0x3F) << 6 | ((unsigned char)s[i + 2] & 0x3F);
            i += 3;
        } else {
            return 0;
        }
        unsigned char le[2] = {(unsigned char)cu, (unsigned char)(cu >> 8)};
        out_hex(o, le, 2);
    }
    return 1;
}

/*
 * LIST: the entries of the efivarfs directory, each as <name hex UTF-16LE>:<guid>:<file size>. The kernel
 * fills the directory from its GetNextVariableName walk when efivarfs is mounted and keeps it up to date
 * with its own writes; a file of size 0 is one the kernel created but the firmware has not stored.
 */
static void op_list(const struct request *r)
{
    static const char *const none[] = {NULL};
    if (!check_keys(r, none, none)) {
        return;
    }
    struct out o = {0};
    out_printf(&o, "@HIL %s LIST", r->seq);
    DIR *d = opendir(EFIVARS);
    if (d == NULL) {
        reply_errno(&o, errno, "opendir");
        send_line(&o);
        free(o.buf);
        return;
    }
    struct out entries = {0};
    int count = 0;
    errno = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < GUID_TEXT + 2 || e->d_name[len - GUID_TEXT - 1] != '-') {
            continue;
        }
        char path[1200];
        struct stat st;
        snprintf(path, sizeof(path), "%s/%s", EFIVARS, e->d_name);
        long long size = stat(path, &st) == 0 ? (long long)st.st_size : -1;
        size_t start = entries.len;
        if (count > 0) {
            out_printf(&entries, ",");
        }
        if (!name_to_utf16_hex(&entries, e->d_name, len - GUID_TEXT - 1)) {
            entries.len = start;
            continue;
        }
        out_printf(&entries, ":%s:%lld", e->d_name + len - GUID_TEXT, size);
        count++;
    }
    int err = errno;
    closedir(d);
    reply_errno(&o, err, "readdir");
    out_printf(&o, " count=%d entries=%s", count, entries.len ? entries.buf : "");
    send_line(&o);
    free(entries.buf);
    free(o.buf);
}

/*
 * STATFS: statfs() on efivarfs. Kernels that implement it for efivarfs answer with QueryVariableInfo for
 * NV|BS|RT: block size 1, blocks = maximum storage, free = remaining storage; others report zero blocks.
 */
static void op_statfs(const struct request *r)
{
    static const char *const none[] = {NULL};
    if (!check_keys(r, none, none)) {
        return;
    }
    struct out o = {0};
    out_printf(&o, "@HIL %s STATFS", r->seq);
    struct statfs s;
    if (statfs(EFIVARS, &s) < 0) {
        reply_errno(&o, errno, "statfs");
    } else {
        reply_errno(&o, 0, NULL);
        out_printf(&o, " type=0x%lx bsize=%ld blocks=%llu bfree=%llu bavail=%llu", (unsigned long)s.f_type,
                   (long)s.f_bsize, (unsigned long long)s.f_blocks, (unsigned long long)s.f_bfree,
                   (unsigned long long)s.f_bavail);
    }
    send_line(&o);
    free(o.buf);
}

/*
 * KLOG: the kernel log lines that contain `match` (hex of the text), from the kernel's ring buffer.
 * Lines are returned hex-encoded and separated by "0a".
 */
static void op_klog(const struct request *r)
{
    static const char *const known[] = {"match", NULL};
    static const char *const required[] = {"match", NULL};
    if (!check_keys(r, known, required)) {
        return;
    }
    char match[256];
    long m = decode_hex(value_of(r, "match"), (unsigned char *)match, sizeof(match) - 1);
    if (m <= 0) {
        reply_error(r->seq, "bad-value", "match");
        return;
    }
    match[m] = 0;
    struct out o = {0};
    out_printf(&o, "@HIL %s KLOG", r->seq);
    int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
    char *log = size > 0 ? malloc((size_t)size + 1) : NULL;
    int n = log != NULL ? klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, size) : -1;
    if (n < 0) {
        reply_errno(&o, log == NULL && size > 0 ? ENOMEM : errno, "klogctl");
    } else {
        log[n] = 0;
        reply_errno(&o, 0, NULL);
        out_printf(&o, " lines=");
        char *save = NULL;
        int first = 1;
        for (char *line = strtok_r(log, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
            if (strstr(line, match) != NULL) {
                if (!first) {
                    out_printf(&o, "0a");
                }
                out_hex(&o, (const unsigned char *)line, strlen(line));
                first = 0;
            }
        }
    }
    free(log);
    send_line(&o);
    free(o.buf);
}

/*
 * RTCALL: one raw runtime-service call through the mailbox of the runtime driver hilrtcall.efi (agent/rtcall/),
 * which the Shell loaded before Linux. `req` is the request's header and name (hex), `data` its data in any data
 * form. The agent writes attributes BS|RT, the request and the data to HilRtCall in one write(); the driver makes
 * the call there and then, and the agent reads its result back from HilRtResult. The result file exists only when
 * the driver is loaded (it made HilRtResult a real variable before Linux listed them), so its absence is checked
 * first and reported as ENOENT at open-result, before anything is written.
 */
#define RTCALL_GUID "6f3c9a52-8e1d-4c7b-9a0e-5d2f71b3c4a8"
#define RTCALL_ATTRS 0x6u

static void op_rtcall(const struct request *r)
{
    static const char *const known[] = {"req", "data", NULL};
    static const char *const required[] = {"req", NULL};
    if (!check_keys(r, known, required)) {
        return;
    }
    static unsigned char buf[4 + MAX_LINE / 2 + MAX_DATA];
    long n = decode_hex(value_of(r, "req"), buf + 4, MAX_LINE / 2);
    if (n <= 0) {
        reply_error(r->seq, "bad-value", "req");
        return;
    }
    long m = 0;
    if (value_of(r, "data") != NULL && (m = decode_data(r, buf + 4 + n, MAX_DATA)) < 0) {
        return;
    }
    buf[0] = (unsigned char)RTCALL_ATTRS;
    buf[1] = buf[2] = buf[3] = 0;
    const char *call = EFIVARS "/HilRtCall-" RTCALL_GUID;
    const char *result = EFIVARS "/HilRtResult-" RTCALL_GUID;

    struct out o = {0};
    out_printf(&o, "@HIL %s RTCALL", r->seq);
    int rfd = open(result, O_RDONLY | O_CLOEXEC);
    if (rfd < 0) {
        reply_errno(&o, errno, "open-result");
        send_line(&o);
        free(o.buf);
        return;
    }
    close(rfd);
    int cleared = clear_immutable(call);
    int fd = cleared < 0 ? -1 : open(call, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        reply_errno(&o, cleared < 0 ? -cleared : errno, cleared < 0 ? "ioctl" : "open");
        send_line(&o);
        free(o.buf);
        return;
    }
    size_t len = 4 + (size_t)n + (size_t)m;
    ssize_t w;
    do {
        w = write(fd, buf, len);
    } while (w < 0 && errno == EINTR);
    int err = w < 0 ? errno : (size_t)w != len ? EIO : 0;
    close(fd);
    if (err != 0) {
        reply_errno(&o, err, w < 0 ? "write" : "write-short");
        send_line(&o);
        free(o.buf);
        return;
    }
    static unsigned char res[4 + MAX_DATA + 4096];
    size_t total = 0;
    fd = open(result, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        err = errno;
    } else {
        while (total < sizeof(res)) {
            ssize_t k = read(fd, res + total, sizeof(res) - total);
            if (k < 0 && errno == EINTR) {
                continue;
            }
            if (k <= 0) {
                err = k < 0 ? errno : 0;
                break;
            }
            total += (size_t)k;
        }
        close(fd);
    }
    if (err != 0) {
        reply_errno(&o, err, fd < 0 ? "open-result" : "read");
    } else if (total == 0) {
        reply_errno(&o, ENOENT, "read-empty");
    } else if (total < 4) {
        reply_errno(&o, EIO, "read-short");
    } else {
        reply_errno(&o, 0, NULL);
        out_printf(&o, " result=");
        out_hex(&o, res + 4, total - 4);
    }
    send_line(&o);
    free(o.buf);
}

static void op_ping(const struct request *r)
{
    static const char *const none[] = {NULL};
    if (!check_keys(r, none, none)) {
        return;
    }
    struct out o = {0};
    out_printf(&o, "@HIL %s PING", r->seq);
    reply_errno(&o, 0, NULL);
    out_printf(&o, " version=%d", PROTOCOL_VERSION);
    send_line(&o);
    free(o.buf);
}

static void handle(char *line)
{
    struct request r;
    if (!parse_request(line, &r)) {
        return;
    }
    if (strcmp(r.op, "PING") == 0) {
        op_ping(&r);
    } else if (strcmp(r.op, "GET") == 0) {
        op_get(&r);
    } else if (strcmp(r.op, "SET") == 0) {
        op_set(&r);
    } else if (strcmp(r.op, "DELETE") == 0) {
        op_delete(&r);
    } else if (strcmp(r.op, "LIST") == 0) {
        op_list(&r);
    } else if (strcmp(r.op, "STATFS") == 0) {
        op_statfs(&r);
    } else if (strcmp(r.op, "KLOG") == 0) {
        op_klog(&r);
    } else if (strcmp(r.op, "RTCALL") == 0) {
        op_rtcall(&r);
    } else {
        reply_error(r.seq, "unknown-op", r.op);
    }
}

/* ---- main -------------------------------------------------------------------------------------------- */

static int efivarfs_mounted(void)
{
    struct statfs s;
    return statfs(EFIVARS, &s) == 0 && (uint32_t)s.f_type == EFIVARFS_MAGIC;
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        int fd = open(argv[1], O_RDWR | O_NOCTTY);
        if (fd < 0) {
            fprintf(stderr, "hilguest: cannot open %s: %s\n", argv[1], strerror(errno));
            return 1;
        }
        con_in = fd;
        con_out = fd;
    }
    struct termios t;
    if (tcgetattr(con_in, &t) == 0) {
        /* Raw: no echo, no line editing (no 4 KiB canonical line limit), no CR/LF translation. */
        cfmakeraw(&t);
        t.c_cc[VMIN] = 1;
        t.c_cc[VTIME] = 0;
        tcsetattr(con_in, TCSANOW, &t);
    }
    struct utsname u;
    struct out o = {0};
    out_printf(&o, "\r\n@HIL GUEST READY %d kernel=%s efivarfs=%d", PROTOCOL_VERSION,
               uname(&u) == 0 ? u.release : "unknown", efivarfs_mounted());
    send_line(&o);
    free(o.buf);

    static char line[MAX_LINE + 1];
    size_t len = 0;
    int overflow = 0;
    char chunk[4096];
    for (;;) {
        ssize_t n = read(con_in, chunk, sizeof(chunk));
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return 2;
        }
        if (n == 0) {
            return 0;
        }
        for (ssize_t i = 0; i < n; i++) {
            char c = chunk[i];
            if (c == '\r' || c == '\n') {
                if (overflow) {
                    reply_error("0", "line-too-long", NULL);
                } else if (len > 0) {
                    line[len] = 0;
                    handle(line);
                }
                len = 0;
                overflow = 0;
            } else if (len == MAX_LINE) {
                overflow = 1;
            } else {
                line[len++] = (c == '\t') ? ' ' : (c < 0x20 || c > 0x7e) ? '?' : c;
            }
        }
    }
}
