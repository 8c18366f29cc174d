/*
 * hilagent: a UEFI application that makes raw variable runtime-service calls on request, and sends
 * raw SMM communicate buffers and calls the variable lock and policy protocols.
 *
 * The host talks to it over the console (ConIn/ConOut, which OVMF and most boards route to the
 * serial port) with the line protocol described in PROTOCOL.md: one request line in, exactly one
 * "@HIL ..." reply line out. Every pointer and size the UEFI specification lets a caller choose is
 * chosen by the host, including NULL pointers and exact buffer sizes, and the raw EFI_STATUS and
 * every output are reported as they come back from the firmware.
 *
 * The agent must survive any input: every value is bounds-checked, every buffer is capped, and a
 * request it cannot honour gets an ERROR reply instead of a call.
 */
#include <efi.h>
#include <efilib.h>

#define AGENT_VERSION 3

/* Longest request line accepted (excluding the end of line). */
#define MAX_LINE (256u * 1024u)

/* Largest buffer the agent allocates for a single call (data or name). */
#define MAX_BUFFER (1024u * 1024u)

/* Most key=value pairs a request may carry. */
#define MAX_PAIRS 16

/*
 * A CommSize this large reaches past every x86-64 physical address (52 bits at most), so no buffer of that size lies
 * inside memory and the firmware's range check refuses it before anything reads past the header. Below it, a CommSize
 * beyond the bytes given is refused by the agent (PROTOCOL.md, COMM).
 */
#define COMM_SIZE_OUTSIDE_MEMORY (1ULL << 52)

/* VARIABLE_POLICY_ENTRY.Size is a UINT16: an entry never claims more than this. */
#define POLICY_ENTRY_ROOM 65536u

/* Characters per OutputString call: long replies go out in pieces, never through a fixed-size formatter. */
#define OUT_CHUNK 256

typedef struct {
    CHAR8 *key;
    CHAR8 *value;
} PAIR;

typedef struct {
    UINT64 seq;
    CHAR8 *op;
    PAIR pairs[MAX_PAIRS];
    UINTN npairs;
} REQUEST;

/* ---------------------------------------------------------------- output */

static CHAR16 out_chunk[OUT_CHUNK + 1];
static UINTN out_len;

/*
 * Set by the first ExitBootServices call, whatever it returned: EDK II turns the timer off before it checks the map
 * key and does not turn it back on when the key is stale, so the console drivers (which poll the serial port from
 * a timer event) never run again. From then on the agent reads and writes COM1 itself.
 */
static BOOLEAN uart_io;
/* Set once ExitBootServices succeeded: no boot service may be called any more. */
static BOOLEAN bs_gone;

#define COM1 0x3F8

static inline void port_out(UINT16 port, UINT8 v)
{
    __asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline UINT8 port_in(UINT16 port)
{
    UINT8 v;
    __asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

/* One byte to COM1 once its transmit holding register is empty (LSR bit 5). */
static void uart_put(UINT8 c)
{
    while ((port_in(COM1 + 5) & 0x20) == 0) {
    }
    port_out(COM1, c);
}

static void out_flush(void)
{
    if (out_len == 0) {
        return;
    }
    if (uart_io) {
        for (UINTN i = 0; i < out_len; i++) {
            uart_put((UINT8)out_chunk[i]);
        }
    } else {
        out_chunk[out_len] = 0;
        uefi_call_wrapper(ST->ConOut->OutputString, 2, ST->ConOut, out_chunk);
    }
    out_len = 0;
}

static void out_char(CHAR8 c)
{
    out_chunk[out_len++] = (CHAR16)c;
    if (out_len == OUT_CHUNK) {
        out_flush();
    }
}

static void out_str(const char *s)
{
    while (*s) {
        out_char((CHAR8)*s++);
    }
}

static void out_dec(UINT64 v)
{
    char digits[21];
    int i = 20;
    digits[i] = 0;
    do {
        digits[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    out_str(&digits[i]);
}

static const char HEX[] = "0123456789abcdef";

static void out_hex_fixed(UINT64 v, int ndigits)
{
    for (int shift = (ndigits - 1) * 4; shift >= 0; shift -= 4) {
        out_char(HEX[(v >> shift) & 0xf]);
    }
}

/* 0x followed by the shortest hex form (at least one digit). */
static void out_hex_value(UINT64 v)
{
    int ndigits = 1;
    while (ndigits < 16 && (v >> (ndigits * 4)) != 0) {
        ndigits++;
    }
    out_str("0x");
    out_hex_fixed(v, ndigits);
}

static void out_hex_bytes(const UINT8 *p, UINTN n)
{
    for (UINTN i = 0; i < n; i++) {
        out_char(HEX[p[i] >> 4]);
        out_char(HEX[p[i] & 0xf]);
    }
}

static void out_guid(const EFI_GUID *g)
{
    out_hex_fixed(g->Data1, 8);
    out_char('-');
    out_hex_fixed(g->Data2, 4);
    out_char('-');
    out_hex_fixed(g->Data3, 4);
    out_char('-');
    out_hex_bytes(g->Data4, 2);
    out_char('-');
    out_hex_bytes(g->Data4 + 2, 6);
}

static void out_end(void)
{
    out_str("\r\n");
    out_flush();
}

/* Starts a reply line: "@HIL <seq> <op> status=0x<16 hex digits>". */
static void reply_begin(const REQUEST *r, EFI_STATUS status)
{
    out_str("@HIL ");
    out_dec(r->seq);
    out_char(' ');
    out_str((const char *)r->op);
    out_str(" status=0x");
    out_hex_fixed((UINT64)status, 16);
}

static void reply_error(UINT64 seq, const char *reason, const CHAR8 *detail)
{
    out_str("@HIL ");
    out_dec(seq);
    out_str(" ERROR reason=");
    out_str(reason);
    if (detail != NULL) {
        out_char(':');
        out_str((const char *)detail);
    }
    out_end();
}

/* ---------------------------------------------------------------- input */

/*
 * The next character typed on the console: through ConIn while boot services run (scan-code-only keys come back as
 * 0), from COM1 directly once the agent has called ExitBootServices.
 */
static CHAR16 next_char(void)
{
    if (uart_io) {
        /* Poll the line status for a received byte (LSR bit 0): no timer, no interrupts, no boot services. */
        while ((port_in(COM1 + 5) & 0x01) == 0) {
        }
        return port_in(COM1);
    }
    for (;;) {
        EFI_INPUT_KEY key;
        EFI_STATUS st = uefi_call_wrapper(ST->ConIn->ReadKeyStroke, 2, ST->ConIn, &key);
        if (st == EFI_NOT_READY) {
            UINTN index;
            st = uefi_call_wrapper(BS->WaitForEvent, 3, 1, &ST->ConIn->WaitForKey, &index);
            if (EFI_ERROR(st)) {
                /* A console without a usable event: poll instead of spinning flat out. */
                uefi_call_wrapper(BS->Stall, 1, 1000);
            }
            continue;
        }
        if (EFI_ERROR(st)) {
            /* A transient device error on the console; the line so far is kept. */
            uefi_call_wrapper(BS->Stall, 1, 1000);
            continue;
        }
        return key.UnicodeChar;
    }
}

/* A request line being read: at most cap characters in buf, the rest of a longer line counted as overflow. */
typedef struct {
    CHAR8 *buf;
    UINTN cap;
    UINTN len;
    BOOLEAN overflow;
} LINE;

/* Adds one typed character to the line; TRUE when it ended a non-empty line (buf is then NUL-terminated). */
static BOOLEAN line_feed(LINE *l, CHAR16 c)
{
    if (c == 0) {
        return FALSE; /* a scan-code-only key (arrows, function keys) */
    }
    if (c == '\r' || c == '\n') {
        if (l->len == 0 && !l->overflow) {
            return FALSE; /* empty lines are skipped */
        }
        l->buf[l->len] = 0;
        return TRUE;
    }
    if (c == '\t') {
        c = ' ';
    } else if (c < 0x20 || c > 0x7e) {
        /* Outside the protocol alphabet: kept as a character no value may contain. */
        c = '?';
    }
    if (l->len < l->cap) {
        l->buf[l->len++] = (CHAR8)c;
    } else {
        l->overflow = TRUE;
    }
    return FALSE;
}

/*
 * Option `direct-serial`. EDK II's terminal driver takes typed bytes from the serial port on a 20 ms timer, one
 * receive FIFO (16 bytes) at a time, which caps a request at about 800 bytes a second (a signed write of 1.5 KB took
 * 4 s). With the option the agent reads the console's serial port itself: it finds the platform's only
 * EFI_SERIAL_IO_PROTOCOL, makes that instance's GetControl report an empty receive buffer (and Read time out) to
 * everyone else, so the terminal no longer takes input, and reads through the original functions. Output still
 * goes through ConOut. The original functions are put back when the agent returns to the Shell. Not used when
 * there are several serial ports (which one is the console is not known) or after ExitBootServices.
 */
static EFI_SERIAL_IO_PROTOCOL *direct_serial;
static EFI_SERIAL_GET_CONTROL_BITS direct_get_control;
static EFI_SERIAL_READ direct_read;
static EFI_EVENT direct_tick;

/*
 * The replacements are called by the firmware, so they use the Microsoft x64 convention themselves (EFIAPI is empty in
 * this gnu-efi build: the agent's own calls into the firmware convert through uefi_call_wrapper).
 */
#define FIRMWARE_CALLED __attribute__((ms_abi))

static EFI_STATUS FIRMWARE_CALLED hidden_get_control(EFI_SERIAL_IO_PROTOCOL *This, UINT32 *Control)
{
    EFI_STATUS st = uefi_call_wrapper(direct_get_control, 2, This, Control);
    if (!EFI_ERROR(st) && Control != NULL) {
        *Control |= EFI_SERIAL_INPUT_BUFFER_EMPTY;
    }
    return st;
}

static EFI_STATUS FIRMWARE_CALLED hidden_read(EFI_SERIAL_IO_PROTOCOL *This, UINTN *BufferSize, VOID *Buffer)
{
    (void)This;
    (void)Buffer;
    if (BufferSize != NULL) {
        *BufferSize = 0;
    }
    return EFI_TIMEOUT;
}

static void direct_serial_init(void)
{
    UINTN count = 0;
    EFI_HANDLE *handles = NULL;
    if (EFI_ERROR(uefi_call_wrapper(BS->LocateHandleBuffer, 5, ByProtocol, &SerialIoProtocol, NULL, &count,
                                    &handles))) {
        return;
    }
    EFI_SERIAL_IO_PROTOCOL *io = NULL;
    if (count != 1 || EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, handles[0], &SerialIoProtocol, (void **)&io))
        || io == NULL
        || EFI_ERROR(uefi_call_wrapper(BS->CreateEvent, 5, EVT_TIMER, TPL_APPLICATION, NULL, NULL, &direct_tick))) {
        FreePool(handles);
        return;
    }
    FreePool(handles);
    /* The platform's timer tick at most: the wait for a request's first byte. */
    uefi_call_wrapper(BS->SetTimer, 3, direct_tick, TimerPeriodic, 10000);
    EFI_TPL old = uefi_call_wrapper(BS->RaiseTPL, 1, TPL_NOTIFY);
    direct_get_control = io->GetControl;
    direct_read = io->Read;
    io->GetControl = (EFI_SERIAL_GET_CONTROL_BITS)(void *)hidden_get_control;
    io->Read = (EFI_SERIAL_READ)(void *)hidden_read;
    direct_serial = io;
    uefi_call_wrapper(BS->RestoreTPL, 1, old);
}

/* Gives the serial port back to the console (before the agent returns to the Shell). */
static void direct_serial_end(void)
{
    if (direct_serial == NULL) {
        return;
    }
    EFI_TPL old = uefi_call_wrapper(BS->RaiseTPL, 1, TPL_NOTIFY);
    direct_serial->GetControl = direct_get_control;
    direct_serial->Read = direct_read;
    uefi_call_wrapper(BS->RestoreTPL, 1, old);
    direct_serial = NULL;
    uefi_call_wrapper(BS->CloseEvent, 1, direct_tick);
}

/* Consecutive empty reads (each one the port's own time-out) before a line in progress waits on the timer again. */
#define DIRECT_PATIENCE 2000

/* One line read from the serial port directly; keys the terminal took before the agent started come first. */
static void direct_serial_line(LINE *l)
{
    EFI_INPUT_KEY key;
    while (uefi_call_wrapper(ST->ConIn->ReadKeyStroke, 2, ST->ConIn, &key) == EFI_SUCCESS) {
        if (line_feed(l, key.UnicodeChar)) {
            return;
        }
    }
    UINTN idle = 0;
    for (;;) {
        UINT8 b;
        UINTN n = 1;
        EFI_STATUS st = uefi_call_wrapper(direct_read, 3, direct_serial, &n, &b);
        if (!EFI_ERROR(st) && n == 1) {
            idle = 0;
            if (line_feed(l, (CHAR16)b)) {
                return;
            }
            continue;
        }
        if ((l->len > 0 || l->overflow) && ++idle < DIRECT_PATIENCE) {
            continue; /* within a line the next bytes follow at once: keep asking */
        }
        /* Nothing typed: sleep until the next timer tick, then look at the port again. */
        UINT32 control = EFI_SERIAL_INPUT_BUFFER_EMPTY;
        while (EFI_ERROR(uefi_call_wrapper(direct_get_control, 2, direct_serial, &control))
               || (control & EFI_SERIAL_INPUT_BUFFER_EMPTY) != 0) {
            UINTN index;
            uefi_call_wrapper(BS->WaitForEvent, 3, 1, &direct_tick, &index);
        }
        idle = 0;
    }
}

/*
 * Reads one line into buf (NUL-terminated, at most cap characters). Empty lines are skipped; a
 * line longer than cap is consumed to its end and reported through *overflow.
 */
static void read_line(CHAR8 *buf, UINTN cap, UINTN *len, BOOLEAN *overflow)
{
    LINE l = {buf, cap, 0, FALSE};
    if (direct_serial != NULL && !uart_io) {
        direct_serial_line(&l);
    } else {
        while (!line_feed(&l, next_char())) {
        }
    }
    *len = l.len;
    *overflow = l.overflow;
}

/* ---------------------------------------------------------------- memory */

/*
 * Request buffers come from pool while boot services run. After ExitBootServices there is no pool: they come from
 * an arena of loader data the agent set aside at start (memory the OS owns, as an OS loader's own buffers are), and
 * the arena starts empty at every request.
 */
#define ARENA_BYTES (4u * 1024u * 1024u)
static UINT8 *arena;
static UINTN arena_used;

static void *mem_zalloc(UINTN n)
{
    if (!bs_gone) {
        return AllocateZeroPool(n);
    }
    UINTN at = (arena_used + 15) & ~(UINTN)15;
    if (arena == NULL || n > ARENA_BYTES || at > ARENA_BYTES - n) {
        return NULL;
    }
    arena_used = at + n;
    ZeroMem(arena + at, n);
    return arena + at;
}

/* Pool is given back while boot services run; arena memory is reclaimed at the next request. */
static void mem_free(void *p)
{
    if (!bs_gone) {
        FreePool(p);
    }
}

/* ---------------------------------------------------------------- value parsing */

static BOOLEAN str_eq(const CHAR8 *a, const char *b)
{
    while (*a && *a == (CHAR8)*b) {
        a++;
        b++;
    }
    return *a == (CHAR8)*b;
}

static UINTN str_len(const CHAR8 *s)
{
    UINTN n = 0;
    while (s[n]) {
        n++;
    }
    return n;
}

static int hex_digit(CHAR8 c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Decimal, 1 to 20 digits, no sign, no overflow. */
static BOOLEAN parse_dec(const CHAR8 *s, UINT64 *out)
{
    UINT64 v = 0;
    UINTN n = 0;
    for (; s[n]; n++) {
        if (s[n] < '0' || s[n] > '9' || n >= 20) {
            return FALSE;
        }
        UINT64 d = (UINT64)(s[n] - '0');
        if (v > (0xffffffffffffffffULL - d) / 10) {
            return FALSE;
        }
        v = v * 10 + d;
    }
    if (n == 0) {
        return FALSE;
    }
    *out = v;
    return TRUE;
}

/* Hex with an optional 0x prefix, at most maxdigits significant-position digits. */
static BOOLEAN parse_hex(const CHAR8 *s, int maxdigits, UINT64 *out)
{
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
    }
    UINT64 v = 0;
    int n = 0;
    for (; s[n]; n++) {
        int d = hex_digit(s[n]);
        if (d < 0 || n >= maxdigits) {
            return FALSE;
        }
        v = (v << 4) | (UINT64)d;
    }
    if (n == 0) {
        return FALSE;
    }
    *out = v;
    return TRUE;
}

/* Exactly 2*n hex digits into n bytes. */
static BOOLEAN parse_hex_bytes(const CHAR8 *s, UINTN n, UINT8 *out)
{
    for (UINTN i = 0; i < n; i++) {
        int hi = hex_digit(s[2 * i]);
        int lo = hi < 0 ? -1 : hex_digit(s[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return FALSE;
        }
        out[i] = (UINT8)((hi << 4) | lo);
    }
    return TRUE;
}

/* Registry format 12345678-1234-1234-1234-123456789abc. */
static BOOLEAN parse_guid(const CHAR8 *s, EFI_GUID *g)
{
    static const UINTN dashes[] = {8, 13, 18, 23};
    UINT8 b[16];
    UINTN nb = 0;
    UINTN di = 0;
    if (str_len(s) != 36) {
        return FALSE;
    }
    for (UINTN i = 0; i < 36;) {
        if (di < 4 && i == dashes[di]) {
            if (s[i] != '-') {
                return FALSE;
            }
            di++;
            i++;
            continue;
        }
        if (!parse_hex_bytes(s + i, 1, &b[nb])) {
            return FALSE;
        }
        nb++;
        i += 2;
    }
    g->Data1 = ((UINT32)b[0] << 24) | ((UINT32)b[1] << 16) | ((UINT32)b[2] << 8) | b[3];
    g->Data2 = (UINT16)((b[4] << 8) | b[5]);
    g->Data3 = (UINT16)((b[6] << 8) | b[7]);
    for (int i = 0; i < 8; i++) {
        g->Data4[i] = b[8 + i];
    }
    return TRUE;
}

/* ---------------------------------------------------------------- requests */

/*
 * Splits the line in place into seq, op and key=value pairs. Returns NULL on success, else the
 * reason for an ERROR reply (r->seq is set as soon as it parsed, so the reply can echo it).
 */
static const char *tokenize(CHAR8 *line, REQUEST *r)
{
    CHAR8 *tokens[2 + MAX_PAIRS];
    UINTN ntok = 0;
    BOOLEAN too_many = FALSE;
    CHAR8 *p = line;

    r->seq = 0;
    r->op = NULL;
    r->npairs = 0;
    for (;;) {
        while (*p == ' ') {
            p++;
        }
        if (*p == 0) {
            break;
        }
        if (ntok == 2 + MAX_PAIRS) {
            too_many = TRUE;
            break;
        }
        tokens[ntok++] = p;
        while (*p && *p != ' ') {
            p++;
        }
        if (*p) {
            *p++ = 0;
        }
    }
    if (ntok == 0 || !parse_dec(tokens[0], &r->seq)) {
        r->seq = 0;
        return "bad-seq";
    }
    if (too_many) {
        return "too-many-pairs";
    }
    if (ntok < 2) {
        return "missing-op";
    }
    r->op = tokens[1];
    for (UINTN i = 2; i < ntok; i++) {
        CHAR8 *eq = tokens[i];
        while (*eq && *eq != '=') {
            eq++;
        }
        if (*eq != '=' || eq == tokens[i]) {
            return "bad-pair";
        }
        *eq = 0;
        for (UINTN j = 0; j < r->npairs; j++) {
            if (str_eq(r->pairs[j].key, (const char *)tokens[i])) {
                return "duplicate-key";
            }
        }
        r->pairs[r->npairs].key = tokens[i];
        r->pairs[r->npairs].value = eq + 1;
        r->npairs++;
    }
    return NULL;
}

static CHAR8 *find(const REQUEST *r, const char *key)
{
    for (UINTN i = 0; i < r->npairs; i++) {
        if (str_eq(r->pairs[i].key, key)) {
            return r->pairs[i].value;
        }
    }
    return NULL;
}

/* A key is shown in an ERROR reason only when it is short and plain, so the reply stays one token. */
static const CHAR8 *printable_key(const CHAR8 *key)
{
    UINTN n = 0;
    for (; key[n]; n++) {
        CHAR8 c = key[n];
        BOOLEAN ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!ok || n >= 32) {
            return NULL;
        }
    }
    return key;
}

/*
 * The outcome of decoding one request into call arguments. Buffers are pool allocations released by
 * args_free; a NULL pointer argument is represented by the *_null flags.
 */
typedef struct {
    CHAR16 *name;        /* NUL-terminated; NULL when name=null */
    UINTN name_units;    /* code units before the appended NUL */
    BOOLEAN guid_null;
    EFI_GUID guid;
    BOOLEAN size_null;
    UINT64 size;
    BOOLEAN attrs_null;  /* GET: attrs=null */
    UINT64 attrs;        /* SET, QUERY */
    BOOLEAN data_null;
    UINT8 *data;         /* SET: the data buffer; GET: the output buffer */
    UINTN data_len;      /* bytes of data given (SET) */
    UINTN data_alloc;    /* bytes allocated for data */
    BOOLEAN out_null;    /* QUERY */
    UINT8 *pool;         /* COMM: the communicate buffer, pool of the requested memory type */
} ARGS;

static void args_free(ARGS *a)
{
    if (a->name != NULL) {
        mem_free(a->name);
        a->name = NULL;
    }
    if (a->data != NULL) {
        mem_free(a->data);
        a->data = NULL;
    }
    if (a->pool != NULL) {
        uefi_call_wrapper(BS->FreePool, 1, a->pool);
        a->pool = NULL;
    }
}

/* Each failing decoder stores the reason and the key it concerns. */
typedef struct {
    const char *reason;
    const CHAR8 *key;
} FAULT;

static BOOLEAN fail(FAULT *f, const char *reason, const char *key)
{
    f->reason = reason;
    f->key = (const CHAR8 *)key;
    return FALSE;
}

static BOOLEAN decode_name(const REQUEST *r, ARGS *a, FAULT *f)
{
    CHAR8 *v = find(r, "name");
    if (v == NULL) {
        return fail(f, "missing-key", "name");
    }
    if (str_eq(v, "null")) {
        a->name = NULL;
        return TRUE;
    }
    UINTN hex = str_len(v);
    if (hex % 4 != 0) {
        return fail(f, "bad-value", "name");
    }
    a->name_units = hex / 4;
    if ((a->name_units + 1) * 2 > MAX_BUFFER) {
        return fail(f, "too-large", "name");
    }
    a->name = mem_zalloc((a->name_units + 1) * sizeof(CHAR16));
    if (a->name == NULL) {
        return fail(f, "out-of-resources", "name");
    }
    for (UINTN i = 0; i < a->name_units; i++) {
        UINT8 b[2];
        if (!parse_hex_bytes(v + 4 * i, 2, b)) {
            return fail(f, "bad-value", "name");
        }
        a->name[i] = (CHAR16)(b[0] | (b[1] << 8));
    }
    return TRUE;
}

static BOOLEAN decode_guid(const REQUEST *r, ARGS *a, FAULT *f)
{
    CHAR8 *v = find(r, "guid");
    if (v == NULL) {
        return fail(f, "missing-key", "guid");
    }
    if (str_eq(v, "null")) {
        a->guid_null = TRUE;
        return TRUE;
    }
    return parse_guid(v, &a->guid) ? TRUE : fail(f, "bad-value", "guid");
}

static BOOLEAN decode_size(const REQUEST *r, ARGS *a, FAULT *f, BOOLEAN null_allowed)
{
    CHAR8 *v = find(r, "size");
    if (v == NULL) {
        return fail(f, "missing-key", "size");
    }
    if (null_allowed && str_eq(v, "null")) {
        a->size_null = TRUE;
        return TRUE;
    }
    if (!parse_dec(v, &a->size)) {
        return fail(f, "bad-value", "size");
    }
    return a->size <= MAX_BUFFER ? TRUE : fail(f, "too-large", "size");
}

static BOOLEAN decode_attrs(const REQUEST *r, ARGS *a, FAULT *f)
{
    CHAR8 *v = find(r, "attrs");
    if (v == NULL) {
        return fail(f, "missing-key", "attrs");
    }
    return parse_hex(v, 8, &a->attrs) ? TRUE : fail(f, "bad-value", "attrs");
}

/* SET data: hex:<bytes> | fill:<count>:<HH> | seq:<count> | null. */
static BOOLEAN decode_set_data(const REQUEST *r, ARGS *a, FAULT *f, UINTN min_alloc)
{
    CHAR8 *v = find(r, "data");
    if (v == NULL) {
        return fail(f, "missing-key", "data");
    }
    if (str_eq(v, "null")) {
        a->data_null = TRUE;
        return TRUE;
    }
    enum { HEXDATA, FILL, SEQ } kind;
    CHAR8 *arg;
    if (v[0] == 'h' && v[1] == 'e' && v[2] == 'x' && v[3] == ':') {
        kind = HEXDATA;
        arg = v + 4;
    } else if (v[0] == 'f' && v[1] == 'i' && v[2] == 'l' && v[3] == 'l' && v[4] == ':') {
        kind = FILL;
        arg = v + 5;
    } else if (v[0] == 's' && v[1] == 'e' && v[2] == 'q' && v[3] == ':') {
        kind = SEQ;
        arg = v + 4;
    } else {
        return fail(f, "bad-value", "data");
    }

    UINT64 count = 0;
    UINT64 fill = 0;
    if (kind == HEXDATA) {
        UINTN hex = str_len(arg);
        if (hex % 2 != 0) {
            return fail(f, "bad-value", "data");
        }
        count = hex / 2;
    } else {
        /* count, optionally followed by ":HH" for fill */
        CHAR8 *colon = arg;
        while (*colon && *colon != ':') {
            colon++;
        }
        if (kind == FILL) {
            if (*colon != ':' || !parse_hex(colon + 1, 2, &fill)) {
                return fail(f, "bad-value", "data");
            }
            *colon = 0; /* parse the count alone; the line is not reused */
        } else if (*colon != 0) {
            return fail(f, "bad-value", "data");
        }
        if (!parse_dec(arg, &count)) {
            return fail(f, "bad-value", "data");
        }
    }
    if (count > MAX_BUFFER) {
        return fail(f, "too-large", "data");
    }

    /* The buffer covers DataSize too, so the firmware never reads past the allocation. */
    a->data_len = (UINTN)count;
    a->data_alloc = a->data_len > min_alloc ? a->data_len : min_alloc;
    if (a->data_alloc == 0) {
        a->data_alloc = 1;
    }
    a->data = mem_zalloc(a->data_alloc);
    if (a->data == NULL) {
        return fail(f, "out-of-resources", "data");
    }
    if (kind == HEXDATA) {
        if (!parse_hex_bytes(arg, a->data_len, a->data)) {
            return fail(f, "bad-value", "data");
        }
    } else {
        for (UINTN i = 0; i < a->data_len; i++) {
            a->data[i] = kind == FILL ? (UINT8)fill : (UINT8)(i & 0xff);
        }
    }
    return TRUE;
}

/* ---------------------------------------------------------------- operations */

static void op_get(const REQUEST *r, ARGS *a, FAULT *f)
{
    if (!decode_name(r, a, f) || !decode_guid(r, a, f) || !decode_size(r, a, f, TRUE)) {
        return;
    }
    CHAR8 *attrs = find(r, "attrs");
    CHAR8 *data = find(r, "data");
    if (attrs == NULL || data == NULL) {
        fail(f, "missing-key", attrs == NULL ? "attrs" : "data");
        return;
    }
    if (str_eq(attrs, "null")) {
        a->attrs_null = TRUE;
    } else if (!str_eq(attrs, "ptr")) {
        fail(f, "bad-value", "attrs");
        return;
    }
    if (str_eq(data, "null")) {
        a->data_null = TRUE;
    } else if (str_eq(data, "ptr")) {
        a->data_alloc = a->size_null || a->size == 0 ? 1 : (UINTN)a->size;
        a->data = mem_zalloc(a->data_alloc);
        if (a->data == NULL) {
            fail(f, "out-of-resources", "data");
            return;
        }
    } else {
        fail(f, "bad-value", "data");
        return;
    }

    UINT32 attributes = 0;
    UINTN size = (UINTN)a->size;
    EFI_STATUS st = uefi_call_wrapper(RT->GetVariable, 5, a->name, a->guid_null ? NULL : &a->guid,
                                      a->attrs_null ? NULL : &attributes, a->size_null ? NULL : &size,
                                      a->data_null ? NULL : a->data);
    reply_begin(r, st);
    out_str(" size=");
    if (a->size_null) {
        out_str("null");
    } else {
        out_dec(size);
    }
    if (!a->attrs_null) {
        out_str(" attrs=");
        out_hex_value(attributes);
    }
    if (st == EFI_SUCCESS && a->data != NULL && !a->size_null) {
        /* Never read past the buffer, whatever size the firmware claims. */
        out_str(" data=");
        out_hex_bytes(a->data, size < a->data_alloc ? size : a->data_alloc);
    }
    out_end();
}

static void op_next(const REQUEST *r, ARGS *a, FAULT *f)
{
    if (!decode_name(r, a, f) || !decode_guid(r, a, f) || !decode_size(r, a, f, TRUE)) {
        return;
    }
    CHAR16 *buffer = NULL;
    UINTN buffer_bytes = 0;
    if (a->name != NULL) {
        /* The name buffer is what the firmware may fill: max(size, StrSize(name)) bytes, at least 2. */
        UINTN given = (a->name_units + 1) * sizeof(CHAR16);
        buffer_bytes = given;
        if (!a->size_null && a->size > buffer_bytes) {
            buffer_bytes = (UINTN)a->size;
        }
        buffer = mem_zalloc(buffer_bytes);
        if (buffer == NULL) {
            fail(f, "out-of-resources", "name");
            return;
        }
        for (UINTN i = 0; i < a->name_units; i++) {
            buffer[i] = a->name[i];
        }
    }

    UINTN size = (UINTN)a->size;
    EFI_STATUS st = uefi_call_wrapper(RT->GetNextVariableName, 3, a->size_null ? NULL : &size, buffer,
                                      a->guid_null ? NULL : &a->guid);
    reply_begin(r, st);
    out_str(" size=");
    if (a->size_null) {
        out_str("null");
    } else {
        out_dec(size);
    }
    if (st == EFI_SUCCESS && buffer != NULL) {
        UINTN units = 0;
        UINTN max_units = buffer_bytes / sizeof(CHAR16);
        while (units < max_units && buffer[units] != 0) {
            units++;
        }
        out_str(" name=");
        out_hex_bytes((const UINT8 *)buffer, units * sizeof(CHAR16));
        if (!a->guid_null) {
            out_str(" guid=");
            out_guid(&a->guid);
        }
    }
    out_end();
    if (buffer != NULL) {
        mem_free(buffer);
    }
}

static void op_set(const REQUEST *r, ARGS *a, FAULT *f)
{
    if (!decode_name(r, a, f) || !decode_guid(r, a, f) || !decode_attrs(r, a, f)) {
        return;
    }
    /* size is optional for SET: it defaults to the length of data. */
    BOOLEAN size_given = find(r, "size") != NULL;
    if (size_given && !decode_size(r, a, f, FALSE)) {
        return;
    }
    if (!decode_set_data(r, a, f, size_given ? (UINTN)a->size : 0)) {
        return;
    }
    UINTN size = size_given ? (UINTN)a->size : a->data_len;
    EFI_STATUS st = uefi_call_wrapper(RT->SetVariable, 5, a->name, a->guid_null ? NULL : &a->guid,
                                      (UINT32)a->attrs, size, a->data_null ? NULL : a->data);
    reply_begin(r, st);
    out_end();
}

static void op_query(const REQUEST *r, ARGS *a, FAULT *f)
{
    if (!decode_attrs(r, a, f)) {
        return;
    }
    CHAR8 *out = find(r, "out");
    if (out != NULL && str_eq(out, "null")) {
        a->out_null = TRUE;
    } else if (out != NULL && !str_eq(out, "ptr")) {
        fail(f, "bad-value", "out");
        return;
    }
    UINT64 max = 0;
    UINT64 remaining = 0;
    UINT64 maxvar = 0;
    EFI_STATUS st = uefi_call_wrapper(RT->QueryVariableInfo, 4, (UINT32)a->attrs, a->out_null ? NULL : &max,
                                      a->out_null ? NULL : &remaining, a->out_null ? NULL : &maxvar);
    reply_begin(r, st);
    if (!a->out_null) {
        out_str(" max=");
        out_dec(max);
        out_str(" remaining=");
        out_dec(remaining);
        out_str(" maxvar=");
        out_dec(maxvar);
    }
    out_end();
}

/* ---------------------------------------------------------------- SMM and variable protection protocols */

/*
 * The three protocols, declared here from their EDK II definitions (gnu-efi has none of them):
 * MdePkg/Include/Protocol/SmmCommunication.h, MdeModulePkg/Include/Protocol/VariableLock.h and
 * MdeModulePkg/Include/Protocol/VariablePolicy.h. The policy functions take no This pointer.
 */
static EFI_GUID SmmCommunicationGuid = {0xc68ed8e2, 0x9dc6, 0x4cbd, {0x9d, 0x94, 0xdb, 0x65, 0xac, 0xc5, 0xc3, 0x32}};
static EFI_GUID VariableLockGuid = {0xcd3d0a05, 0x9e24, 0x437c, {0xa8, 0x91, 0x1e, 0xe0, 0x53, 0xdb, 0x76, 0x38}};
static EFI_GUID VariablePolicyGuid = {0x81d1675c, 0x86f6, 0x48df, {0xbd, 0x95, 0x9a, 0x6e, 0x4f, 0x09, 0x25, 0xc3}};

typedef struct HIL_SMM_COMMUNICATION HIL_SMM_COMMUNICATION;
struct HIL_SMM_COMMUNICATION {
    EFI_STATUS (EFIAPI *Communicate)(HIL_SMM_COMMUNICATION *This, VOID *CommBuffer, UINTN *CommSize);
};

typedef struct HIL_VARIABLE_LOCK HIL_VARIABLE_LOCK;
struct HIL_VARIABLE_LOCK {
    EFI_STATUS (EFIAPI *RequestToLock)(HIL_VARIABLE_LOCK *This, CHAR16 *VariableName, EFI_GUID *VendorGuid);
};

typedef struct {
    UINT64 Revision;
    EFI_STATUS (EFIAPI *DisableVariablePolicy)(VOID);
    EFI_STATUS (EFIAPI *IsVariablePolicyEnabled)(BOOLEAN *State);
    EFI_STATUS (EFIAPI *RegisterVariablePolicy)(VOID *PolicyEntry);
    EFI_STATUS (EFIAPI *DumpVariablePolicy)(UINT8 *Policy, UINT32 *Size);
    EFI_STATUS (EFIAPI *LockVariablePolicy)(VOID);
} HIL_VARIABLE_POLICY;

/* The installed instance of a protocol, or NULL with an ERROR reason naming the missing one. */
static VOID *locate(EFI_GUID *guid, FAULT *f, const char *which)
{
    VOID *p = NULL;
    EFI_STATUS st = uefi_call_wrapper(BS->LocateProtocol, 3, guid, NULL, &p);
    if (EFI_ERROR(st) || p == NULL) {
        fail(f, "no-protocol", which);
        return NULL;
    }
    return p;
}

/* A decimal value of a required key. */
static BOOLEAN decode_dec(const REQUEST *r, const char *key, UINT64 *out, FAULT *f)
{
    CHAR8 *v = find(r, key);
    if (v == NULL) {
        return fail(f, "missing-key", key);
    }
    return parse_dec(v, out) ? TRUE : fail(f, "bad-value", key);
}

/* The bytes of a required hex:<bytes> value, checked; *count is their number. */
static BOOLEAN decode_hex(const REQUEST *r, const char *key, CHAR8 **hex, UINTN *count, FAULT *f)
{
    CHAR8 *v = find(r, key);
    if (v == NULL) {
        return fail(f, "missing-key", key);
    }
    if (!(v[0] == 'h' && v[1] == 'e' && v[2] == 'x' && v[3] == ':') || str_len(v + 4) % 2 != 0) {
        return fail(f, "bad-value", key);
    }
    *hex = v + 4;
    *count = str_len(v + 4) / 2;
    return TRUE;
}

/*
 * COMM: Communicate(This, Buffer, &CommSize) with the host's bytes in a pool of the requested EFI_MEMORY_TYPE.
 * The buffer is exactly len bytes: the hex data, then zeros. A CommSize beyond len would let SMM read and write
 * pool memory the agent does not own (what lies there decides the outcome), so it is refused, except from
 * COMM_SIZE_OUTSIDE_MEMORY on, which no range check can let through. The reply carries the buffer after the
 * call up to its last non-zero byte; the rest of its len bytes are zero.
 */
static void op_comm(const REQUEST *r, ARGS *a, FAULT *f)
{
    UINT64 type;
    UINT64 len;
    UINT64 comm_size;
    CHAR8 *hex;
    UINTN count;
    if (!decode_dec(r, "type", &type, f) || !decode_dec(r, "len", &len, f) || !decode_dec(r, "size", &comm_size, f)
        || !decode_hex(r, "data", &hex, &count, f)) {
        return;
    }
    if (type > 0xffffffffULL) {
        fail(f, "bad-value", "type");
        return;
    }
    if (len > MAX_BUFFER) {
        fail(f, "too-large", "len");
        return;
    }
    if (count > len) {
        fail(f, "bad-value", "data");
        return;
    }
    if (comm_size > len && comm_size < COMM_SIZE_OUTSIDE_MEMORY) {
        fail(f, "beyond-buffer", "size");
        return;
    }
    HIL_SMM_COMMUNICATION *smm = locate(&SmmCommunicationGuid, f, "smm-communication");
    if (smm == NULL) {
        return;
    }
    UINTN alloc = len == 0 ? 1 : (UINTN)len;
    EFI_STATUS st = uefi_call_wrapper(BS->AllocatePool, 3, (EFI_MEMORY_TYPE)type, alloc, (VOID **)&a->pool);
    if (EFI_ERROR(st) || a->pool == NULL) {
        a->pool = NULL;
        fail(f, "allocation-refused", "type");
        return;
    }
    SetMem(a->pool, alloc, 0);
    if (!parse_hex_bytes(hex, count, a->pool)) {
        fail(f, "bad-value", "data");
        return;
    }

    UINTN size = (UINTN)comm_size;
    st = uefi_call_wrapper(smm->Communicate, 3, smm, a->pool, &size);
    UINTN used = (UINTN)len;
    while (used > 0 && a->pool[used - 1] == 0) {
        used--;
    }
    reply_begin(r, st);
    out_str(" size=");
    out_dec(size);
    out_str(" len=");
    out_dec(len);
    out_str(" data=");
    out_hex_bytes(a->pool, used);
    out_end();
}

/* LOCKVAR: EDKII_VARIABLE_LOCK_PROTOCOL.RequestToLock(This, name, guid). */
static void op_lockvar(const REQUEST *r, ARGS *a, FAULT *f)
{
    if (!decode_name(r, a, f) || !decode_guid(r, a, f)) {
        return;
    }
    if (a->name == NULL || a->guid_null) {
        /* Not passed on as NULL: RequestToLock has no NULL case worth a hung firmware (an ASSERT in DEBUG builds). */
        fail(f, "bad-value", a->name == NULL ? "name" : "guid");
        return;
    }
    HIL_VARIABLE_LOCK *lock = locate(&VariableLockGuid, f, "variable-lock");
    if (lock == NULL) {
        return;
    }
    EFI_STATUS st = uefi_call_wrapper(lock->RequestToLock, 3, lock, a->name, &a->guid);
    reply_begin(r, st);
    out_end();
}

/*
 * REGPOLICY: RegisterVariablePolicy(entry). The entry sits at the start of a zeroed buffer of POLICY_ENTRY_ROOM bytes,
 * so whatever its Size field claims, the firmware reads only memory the agent owns.
 */
static void op_regpolicy(const REQUEST *r, ARGS *a, FAULT *f)
{
    CHAR8 *hex;
    UINTN count;
    if (!decode_hex(r, "entry", &hex, &count, f)) {
        return;
    }
    if (count > POLICY_ENTRY_ROOM) {
        fail(f, "too-large", "entry");
        return;
    }
    HIL_VARIABLE_POLICY *policy = locate(&VariablePolicyGuid, f, "variable-policy");
    if (policy == NULL) {
        return;
    }
    a->data = mem_zalloc(POLICY_ENTRY_ROOM);
    if (a->data == NULL) {
        fail(f, "out-of-resources", "entry");
        return;
    }
    if (!parse_hex_bytes(hex, count, a->data)) {
        fail(f, "bad-value", "entry");
        return;
    }
    EFI_STATUS st = uefi_call_wrapper(policy->RegisterVariablePolicy, 1, a->data);
    reply_begin(r, st);
    out_end();
}

/* LOCKPOLICY, DISABLEPOLICY, POLICYENABLED: the argument-less functions of the policy protocol. */
static void op_policy(const REQUEST *r, ARGS *a, FAULT *f)
{
    (void)a;
    HIL_VARIABLE_POLICY *policy = locate(&VariablePolicyGuid, f, "variable-policy");
    if (policy == NULL) {
        return;
    }
    if (str_eq(r->op, "POLICYENABLED")) {
        BOOLEAN state = 0;
        EFI_STATUS st = uefi_call_wrapper(policy->IsVariablePolicyEnabled, 1, &state);
        reply_begin(r, st);
        if (st == EFI_SUCCESS) {
            out_str(" state=");
            out_dec(state);
        }
        out_end();
        return;
    }
    EFI_STATUS st = str_eq(r->op, "LOCKPOLICY") ? uefi_call_wrapper(policy->LockVariablePolicy, 0)
                                                 : uefi_call_wrapper(policy->DisableVariablePolicy, 0);
    reply_begin(r, st);
    out_end();
}

static void op_ping(const REQUEST *r, ARGS *a, FAULT *f)
{
    (void)a;
    (void)f;
    reply_begin(r, EFI_SUCCESS);
    out_str(" version=");
    out_dec(AGENT_VERSION);
    out_end();
}

static void op_ack(const REQUEST *r, ARGS *a, FAULT *f)
{
    (void)a;
    (void)f;
    reply_begin(r, EFI_SUCCESS);
    out_end();
}

/*
 * RTDRV: loads and unloads driver images from the agent's own file system (the runtime-driver test images of
 * agent/rtdriver/). do=load: LoadImage of file= (hex of the ASCII file name) from the device the agent was loaded
 * from, LoadedImage->LoadOptions set to options= (hex of ASCII; passed with its NUL), StartImage; the reply names
 * the failing step (at=load|options|start) and the image handle. do=unload: UnloadImage(handle=).
 */
static EFI_HANDLE agent_image; /* set by efi_main */

static BOOLEAN decode_ascii(const REQUEST *r, const char *key, CHAR8 **out, FAULT *f)
{
    CHAR8 *v = find(r, key);
    if (v == NULL) {
        return fail(f, "missing-key", key);
    }
    UINTN n = str_len(v);
    if (n % 2 != 0 || n / 2 > 1023) {
        return fail(f, "bad-value", key);
    }
    *out = mem_zalloc(n / 2 + 1);
    if (*out == NULL) {
        return fail(f, "out-of-resources", key);
    }
    if (!parse_hex_bytes(v, n / 2, (UINT8 *)*out)) {
        return fail(f, "bad-value", key);
    }
    for (UINTN i = 0; i < n / 2; i++) {
        if ((*out)[i] < 0x20 || (*out)[i] > 0x7e) {
            return fail(f, "bad-value", key);
        }
    }
    return TRUE;
}

static void op_rtdrv(const REQUEST *r, ARGS *a, FAULT *f)
{
    (void)a;
    CHAR8 *what = find(r, "do");
    if (what == NULL) {
        fail(f, "missing-key", "do");
        return;
    }
    if (str_eq(what, "unload")) {
        UINT64 handle = 0;
        CHAR8 *h = find(r, "handle");
        if (h == NULL || !parse_hex(h, 16, &handle)) {
            fail(f, h == NULL ? "missing-key" : "bad-value", "handle");
            return;
        }
        EFI_STATUS st = uefi_call_wrapper(BS->UnloadImage, 1, (EFI_HANDLE)(UINTN)handle);
        reply_begin(r, st);
        out_end();
        return;
    }
    if (!str_eq(what, "load")) {
        fail(f, "bad-value", "do");
        return;
    }
    CHAR8 *file = NULL;
    CHAR8 *options = NULL;
    if (!decode_ascii(r, "file", &file, f) || !decode_ascii(r, "options", &options, f)) {
        if (file != NULL) {
            mem_free(file);
        }
        return;
    }
    UINTN n = str_len(file);
    CHAR16 *path = mem_zalloc((n + 1) * sizeof(CHAR16));
    EFI_LOADED_IMAGE *self = NULL;
    EFI_STATUS st = path == NULL ? EFI_OUT_OF_RESOURCES
                    : uefi_call_wrapper(BS->HandleProtocol, 3, agent_image, &LoadedImageProtocol, (void **)&self);
    const char *at = "load";
    EFI_HANDLE image = NULL;
    if (!EFI_ERROR(st)) {
        for (UINTN i = 0; i < n; i++) {
            path[i] = file[i];
        }
        EFI_DEVICE_PATH *dp = FileDevicePath(self->DeviceHandle, path);
        st = dp == NULL ? EFI_OUT_OF_RESOURCES
             : uefi_call_wrapper(BS->LoadImage, 6, FALSE, agent_image, dp, NULL, 0, &image);
        if (dp != NULL) {
            mem_free(dp);
        }
    }
    if (!EFI_ERROR(st)) {
        EFI_LOADED_IMAGE *li = NULL;
        at = "options";
        st = uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol, (void **)&li);
        if (!EFI_ERROR(st)) {
            /* The options stay allocated: the driver may read them whenever it likes. */
            li->LoadOptions = options;
            li->LoadOptionsSize = (UINT32)str_len(options) + 1;
            options = NULL;
            at = "start";
            st = uefi_call_wrapper(BS->StartImage, 3, image, NULL, NULL);
        }
    }
    reply_begin(r, st);
    out_str(" at=");
    out_str(EFI_ERROR(st) ? at : "done");
    if (image != NULL) {
        out_str(" handle=");
        out_hex_value((UINT64)(UINTN)image);
    }
    out_end();
    mem_free(file);
    if (options != NULL) {
        mem_free(options);
    }
    if (path != NULL) {
        mem_free(path);
    }
}

/* ---------------------------------------------------------------- the OS loader's calls */

/*
 * MEMMAP, EBS and SVAM make the agent the OS loader: it reads the memory map, calls ExitBootServices with a key of
 * the host's choosing and SetVirtualAddressMap with a map of the host's choosing, and then goes on serving requests
 * (runtime services only) over COM1. The buffers are set aside at start so that no allocation changes the map
 * between MEMMAP and EBS unless the host asks for something that allocates.
 */
#define MAP_BYTES (64u * 1024u)
static UINT8 *map_buf;        /* the last map GetMemoryMap returned */
static UINTN map_size;        /* its bytes */
static UINTN map_key;
static UINTN map_desc_size;
static UINT32 map_desc_version;
static UINT8 *vmap_buf;       /* the map handed to SetVirtualAddressMap */
static UINT64 *alias_pml4;    /* a page for the page-map level 4 that adds the virtual alias */

static EFI_STATUS read_map(void)
{
    map_size = MAP_BYTES;
    return uefi_call_wrapper(BS->GetMemoryMap, 5, &map_size, (EFI_MEMORY_DESCRIPTOR *)map_buf, &map_key,
                             &map_desc_size, &map_desc_version);
}

static void reply_map(const REQUEST *r, EFI_STATUS st)
{
    reply_begin(r, st);
    if (!EFI_ERROR(st)) {
        out_str(" key=");
        out_hex_value(map_key);
        out_str(" count=");
        out_dec(map_desc_size == 0 ? 0 : map_size / map_desc_size);
        out_str(" descsize=");
        out_dec(map_desc_size);
        out_str(" version=");
        out_dec(map_desc_version);
    }
    out_end();
}

static void op_memmap(const REQUEST *r, ARGS *a, FAULT *f)
{
    (void)a;
    (void)f;
    reply_map(r, read_map());
}

/*
 * EBS key=<hex> calls ExitBootServices with that key; key=current reads the map first and passes its key at once.
 * Either way the console is COM1 from here on (see uart_io).
 */
static void op_ebs(const REQUEST *r, ARGS *a, FAULT *f)
{
    (void)a;
    CHAR8 *k = find(r, "key");
    UINT64 key = 0;
    BOOLEAN current = k != NULL && str_eq(k, "current");
    if (k == NULL || (!current && !parse_hex(k, 16, &key))) {
        fail(f, k == NULL ? "missing-key" : "bad-value", "key");
        return;
    }
    EFI_STATUS st = EFI_SUCCESS;
    if (current) {
        st = read_map();
        key = map_key;
    }
    if (!EFI_ERROR(st)) {
        out_flush();
        uart_io = TRUE;
        st = uefi_call_wrapper(BS->ExitBootServices, 2, agent_image, (UINTN)key);
        if (!EFI_ERROR(st)) {
            bs_gone = TRUE;
        }
    }
    reply_begin(r, st);
    out_str(" key=");
    out_hex_value(key);
    out_end();
}

/*
 * Gives the virtual addresses of the map a mapping: a copy of the firmware's page-map level 4 in which the entries
 * from the offset's own slot on repeat the identity entries, so every physical address x is also reachable at
 * x + offset (as Linux x86-64 keeps its 1:1 mapping next to the EFI virtual one). The offset must be a multiple of
 * 512 GiB, the span of one level-4 entry, and CR4.LA57 (5-level paging) must be off.
 */
static BOOLEAN alias_virtual(UINT64 offset)
{
    UINT64 cr3, cr4;
    __asm__ __volatile__("mov %%cr3, %0" : "=r"(cr3));
    __asm__ __volatile__("mov %%cr4, %0" : "=r"(cr4));
    if ((cr4 & (1ULL << 12)) != 0 || (offset & ((1ULL << 39) - 1)) != 0 || alias_pml4 == NULL) {
        return FALSE;
    }
    UINTN first = (UINTN)((offset >> 39) & 511);
    const UINT64 *old = (const UINT64 *)(UINTN)(cr3 & 0x000FFFFFFFFFF000ULL);
    CopyMem(alias_pml4, (VOID *)old, 4096);
    for (UINTN i = 0; first != 0 && first + i < 512; i++) {
        if ((alias_pml4[first + i] & 1) == 0) {
            alias_pml4[first + i] = old[i];
        }
    }
    __asm__ __volatile__("mov %0, %%cr3" : : "r"((UINT64)(UINTN)alias_pml4 | (cr3 & 0xFFF)) : "memory");
    return TRUE;
}

/*
 * SVAM descsize=<dec> version=<dec> offset=<hex>: SetVirtualAddressMap with the runtime entries of the last map
 * read (a fresh one while boot services run), laid out descsize bytes apart (entries shorter than the firmware's
 * are cut, longer ones padded with zeros), each VirtualStart = PhysicalStart + offset.
 */
static void op_svam(const REQUEST *r, ARGS *a, FAULT *f)
{
    (void)a;
    UINT64 size = 0, version = 0, offset = 0;
    CHAR8 *o = find(r, "offset");
    if (!decode_dec(r, "descsize", &size, f) || !decode_dec(r, "version", &version, f)) {
        return;
    }
    if (o == NULL || !parse_hex(o, 16, &offset)) {
        fail(f, o == NULL ? "missing-key" : "bad-value", "offset");
        return;
    }
    if (size == 0 || size > 4096 || version > 0xFFFFFFFFull) {
        fail(f, "bad-value", size == 0 || size > 4096 ? "descsize" : "version");
        return;
    }
    EFI_STATUS st = bs_gone ? EFI_SUCCESS : read_map();
    UINTN count = 0;
    if (!EFI_ERROR(st)) {
        for (UINTN at = 0; at + map_desc_size <= map_size; at += map_desc_size) {
            const EFI_MEMORY_DESCRIPTOR *d = (const EFI_MEMORY_DESCRIPTOR *)(map_buf + at);
            if ((d->Attribute & EFI_MEMORY_RUNTIME) == 0 || (count + 1) * size > MAP_BYTES) {
                continue;
            }
            UINT8 *out = vmap_buf + count * size;
            ZeroMem(out, size);
            EFI_MEMORY_DESCRIPTOR v = *d;
            v.VirtualStart = d->PhysicalStart + offset;
            CopyMem(out, &v, size < sizeof(v) ? size : sizeof(v));
            count++;
        }
        /* Before ExitBootServices the firmware refuses the call: its page tables are left as they are. */
        if (offset != 0 && bs_gone && !alias_virtual(offset)) {
            fail(f, "bad-value", "offset");
            return;
        }
        st = uefi_call_wrapper(RT->SetVirtualAddressMap, 4, count * size, (UINTN)size, (UINT32)version,
                               (EFI_MEMORY_DESCRIPTOR *)vmap_buf);
    }
    reply_begin(r, st);
    out_str(" count=");
    out_dec(count);
    out_end();
}

typedef enum { CONTINUE, LEAVE, COLD_RESET, SHUTDOWN } AFTER;

typedef struct {
    const char *name;
    const char *keys[6];
    void (*run)(const REQUEST *, ARGS *, FAULT *);
    AFTER after;
    BOOLEAN boot_only; /* needs boot services: refused after ExitBootServices */
} OP;

static const OP OPS[] = {
    {"GET", {"name", "guid", "size", "attrs", "data", NULL}, op_get, CONTINUE, FALSE},
    {"NEXT", {"name", "guid", "size", NULL}, op_next, CONTINUE, FALSE},
    {"SET", {"name", "guid", "attrs", "size", "data", NULL}, op_set, CONTINUE, FALSE},
    {"QUERY", {"attrs", "out", NULL}, op_query, CONTINUE, FALSE},
    {"COMM", {"type", "len", "size", "data", NULL}, op_comm, CONTINUE, TRUE},
    {"LOCKVAR", {"name", "guid", NULL}, op_lockvar, CONTINUE, TRUE},
    {"REGPOLICY", {"entry", NULL}, op_regpolicy, CONTINUE, TRUE},
    {"LOCKPOLICY", {NULL}, op_policy, CONTINUE, TRUE},
    {"DISABLEPOLICY", {NULL}, op_policy, CONTINUE, TRUE},
    {"POLICYENABLED", {NULL}, op_policy, CONTINUE, TRUE},
    {"PING", {NULL}, op_ping, CONTINUE, FALSE},
    {"RTDRV", {"do", "file", "options", "handle", NULL}, op_rtdrv, CONTINUE, TRUE},
    {"MEMMAP", {NULL}, op_memmap, CONTINUE, TRUE},
    {"EBS", {"key", NULL}, op_ebs, CONTINUE, TRUE},
    {"SVAM", {"descsize", "version", "offset", NULL}, op_svam, CONTINUE, FALSE},
    {"EXIT", {NULL}, op_ack, LEAVE, TRUE},
    {"RESET", {NULL}, op_ack, COLD_RESET, FALSE},
    {"SHUTDOWN", {NULL}, op_ack, SHUTDOWN, FALSE},
};

/* The seq of a line too long to parse, when its first token is one; else 0. */
static UINT64 leading_seq(CHAR8 *line)
{
    UINTN n = 0;
    while (n < 20 && line[n] >= '0' && line[n] <= '9') {
        n++;
    }
    if (n == 0 || line[n] != ' ') {
        return 0;
    }
    line[n] = 0;
    UINT64 seq = 0;
    return parse_dec(line, &seq) ? seq : 0;
}

/* Handles one line; returns what the main loop does next. */
static AFTER handle(CHAR8 *line)
{
    REQUEST r;
    const char *reason = tokenize(line, &r);
    if (reason != NULL) {
        reply_error(r.seq, reason, NULL);
        return CONTINUE;
    }
    const OP *op = NULL;
    for (UINTN i = 0; i < sizeof(OPS) / sizeof(OPS[0]); i++) {
        if (str_eq(r.op, OPS[i].name)) {
            op = &OPS[i];
        }
    }
    if (op == NULL) {
        reply_error(r.seq, "unknown-op", printable_key(r.op));
        return CONTINUE;
    }
    if (bs_gone && op->boot_only) {
        reply_error(r.seq, "boot-services-gone", printable_key(r.op));
        return CONTINUE;
    }
    arena_used = 0;
    for (UINTN i = 0; i < r.npairs; i++) {
        BOOLEAN known = FALSE;
        for (UINTN k = 0; op->keys[k] != NULL; k++) {
            known = known || str_eq(r.pairs[i].key, op->keys[k]);
        }
        if (!known) {
            reply_error(r.seq, "unknown-key", printable_key(r.pairs[i].key));
            return CONTINUE;
        }
    }

    ARGS a;
    FAULT f = {NULL, NULL};
    SetMem(&a, sizeof(a), 0);
    op->run(&r, &a, &f);
    args_free(&a);
    if (f.reason != NULL) {
        reply_error(r.seq, f.reason, f.key);
        return CONTINUE;
    }
    return op->after;
}

/* Whether the Shell passed the word `w` on the agent's command line. */
static BOOLEAN has_option(EFI_HANDLE image, const CHAR16 *w)
{
    EFI_LOADED_IMAGE *li = NULL;
    if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol, (void **)&li)) || li == NULL
        || li->LoadOptions == NULL) {
        return FALSE;
    }
    const CHAR16 *o = li->LoadOptions;
    UINTN n = li->LoadOptionsSize / sizeof(CHAR16);
    UINTN wl = StrLen(w);
    for (UINTN i = 0; i + wl <= n; i++) {
        if (CompareMem(o + i, w, wl * sizeof(CHAR16)) == 0 && (i + wl == n || o[i + wl] == L' ' || o[i + wl] == 0)
            && (i == 0 || o[i - 1] == L' ')) {
            return TRUE;
        }
    }
    return FALSE;
}

/*
 * Option `qemu-uart-fifo`: set COM1's receive FIFO trigger level to 14 bytes (FCR = 0xC1 at 0x3FA). QEMU's 16550
 * model hands the guest as many bytes at once as the trigger level allows, so typed requests arrive several times
 * faster. Only for QEMU: on a real UART without flow control a deeper FIFO changes nothing the firmware relies on,
 * but the agent makes no assumptions about hardware it has not been told about.
 */
static void qemu_uart_fifo(void)
{
    __asm__ __volatile__("outb %0, %1" : : "a"((UINT8)0xC1), "Nd"((UINT16)0x3FA));
}

EFI_STATUS EFIAPI efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *system_table)
{
    InitializeLib(image, system_table);
    agent_image = image;
    if (has_option(image, L"qemu-uart-fifo")) {
        qemu_uart_fifo();
    }
    if (has_option(image, L"direct-serial")) {
        direct_serial_init();
    }
    /* A session may last longer than the boot manager's watchdog allows. */
    uefi_call_wrapper(BS->SetWatchdogTimer, 4, 0, 0, 0, NULL);

    CHAR8 *line = AllocatePool(MAX_LINE + 1);
    EFI_PHYSICAL_ADDRESS pages = 0;
    if (!EFI_ERROR(uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages, EfiLoaderData,
                                     ARENA_BYTES / 4096 + 1, &pages))) {
        alias_pml4 = (UINT64 *)(UINTN)pages;
        arena = (UINT8 *)(UINTN)(pages + 4096);
    }
    map_buf = AllocatePool(MAP_BYTES);
    vmap_buf = AllocatePool(MAP_BYTES);
    if (line == NULL || arena == NULL || map_buf == NULL || vmap_buf == NULL) {
        out_str("\r\n@HIL 0 ERROR reason=out-of-resources\r\n");
        out_flush();
        return EFI_OUT_OF_RESOURCES;
    }
    /* The leading CRLF puts the marker at the start of a line whatever the Shell printed last. */
    out_str("\r\n@HIL READY ");
    out_dec(AGENT_VERSION);
    out_end();

    for (;;) {
        UINTN len;
        BOOLEAN overflow;
        read_line(line, MAX_LINE, &len, &overflow);
        if (overflow) {
            reply_error(leading_seq(line), "line-too-long", NULL);
            continue;
        }
        AFTER after = handle(line);
        if (after == LEAVE) {
            break;
        }
        if (after == COLD_RESET || after == SHUTDOWN) {
            uefi_call_wrapper(RT->ResetSystem, 4, after == COLD_RESET ? EfiResetCold : EfiResetShutdown,
                              EFI_SUCCESS, 0, NULL);
            /* ResetSystem does not return; if it does, the agent keeps serving. */
        }
    }
    direct_serial_end();
    FreePool(line);
    return EFI_SUCCESS;
}
