/*
 * hilrtdrv: the configurable test driver of the runtime-driver scenarios, as a real UEFI driver image.
 *
 * One source, two images: hilrtdrv.efi is an EFI_RUNTIME_DRIVER (subsystem 12: code and data in
 * EfiRuntimeServicesCode/Data), hilbsdrv.efi (built with HIL_BS_IMAGE) is an EFI_BOOT_SERVICE_DRIVER (subsystem 11).
 * The agent loads an image with LoadImage, sets LoadedImage->LoadOptions to a configuration line and starts it. The
 * line (ASCII, space separated, see agent/rtdriver/README.md) says what a scenario's driver does:
 *
 *   hub                                  this instance is the hub (below); nothing else may follow
 *   name=<Name>                          the driver's name, as the scenario writes it
 *   ptr=<pointer>:<rt|bs|null>           a global pointer and where it points (at most 8)
 *   conv=<pointer>[:opt]                 its VirtualAddressChange notify converts it [with EFI_OPTIONAL_PTR]
 *   notify=<group>:<guid>:<tpl>          a notify event in an event group at a TPL (at most 8)
 *   leave-open                           its Unload leaves its events open
 *
 * The hub is loaded first in a boot. It allocates one shared page block in EfiRuntimeServicesData (the record of
 * the boot: every notify that ran, every ConvertPointer status, every fault a notify detected), publishes it as a
 * configuration table, and wraps gRT->GetVariable and gRT->SetVariable for one vendor GUID so that the record and
 * the drivers can be reached in the same way in the boot phase (the UEFI agent) and in the OS phase (Linux through
 * efivarfs):
 *
 *   GetVariable  HilRtLog               the record, one line per entry
 *   GetVariable  HilRtUse-<Name>        the driver follows every pointer it keeps; one line per fault, or "ok"
 *   GetVariable  HilRtReply             the reply to the last command below
 *   SetVariable  HilRtCmd-<Name>        a command for the driver (boot phase only, as they make boot-service calls,
 *                                       except "convert", a runtime service):
 *                                       "create <type> <tpl> [<group>:<guid>]", "forget <pointer>",
 *                                       "convert <pointer> [opt]", "events"; and for the hub "signal <group>:<guid>"
 *
 * Nothing is stored in the variable store under that GUID: the wrappers answer, everything else is passed on.
 *
 * Runtime safety: after SetVirtualAddressMap the firmware relocates a runtime image only through its PE relocation
 * directory, which gnu-efi leaves empty (gnu-efi images relocate themselves at entry). So the code that runs after
 * ExitBootServices touches only static data by RIP-relative addressing, keeps every pointer it stores at run time in
 * a global that its own VirtualAddressChange notify converts, and calls no library function. The pointers of the
 * scenario are the exception on purpose: they are converted only as the configuration says.
 */
#include <efi.h>
#include <efilib.h>

#define MS __attribute__((ms_abi))

/* ---------------------------------------------------------------- shared definitions */

/* Vendor GUID of the wrapped variables and of the hub's configuration table. */
static EFI_GUID HilRtGuid = {0x5f3b0a6e, 0x8c1d, 0x4b7a, {0x9e, 0x2f, 0x6d, 0x4c, 0x3b, 0x2a, 0x19, 0x08}};
static EFI_GUID VirtualAddressChangeGuid = {0x13fa7698, 0xc831, 0x49c7, {0x87, 0xea, 0x8f, 0x43, 0xfc, 0xc2, 0x51, 0x96}};
static EFI_GUID ExitBootServicesGuid = {0x27abf055, 0xb1b8, 0x4c26, {0x80, 0x48, 0x74, 0x8f, 0x37, 0xba, 0xa2, 0xdf}};

#define HUB_SIGNATURE 0x4255485452494cULL /* "LIRTHUB" */
#define HUB_DRIVERS 16
#define HUB_TEXT (60 * 1024)
#define NAME_MAX 32
#define REPLY_MAX 4096

typedef MS UINTN (*DRIVER_RUN)(const CHAR8 *command, CHAR8 *out, UINTN cap);

/* One registered driver: its name and the entry the hub calls (converted by the driver itself). */
typedef struct {
    CHAR8 name[NAME_MAX];
    UINT64 run;        /* DRIVER_RUN */
    UINT32 active;     /* 0 after Unload */
    UINT32 bs_image;   /* a boot-services image: its code is gone after ExitBootServices */
} HUB_ENTRY;

typedef struct {
    UINT64 signature;
    UINT32 used;       /* bytes of text */
    UINT32 exited;     /* ExitBootServices ran */
    UINT32 virtual_mode; /* the hub's VirtualAddressChange notify ran */
    UINT32 reply_len;
    HUB_ENTRY drivers[HUB_DRIVERS];
    UINT32 code_count;
    UINT32 pad;
    UINT64 code_start[HUB_DRIVERS * 2]; /* the code sections of the runtime images, for the attributes table */
    UINT64 code_end[HUB_DRIVERS * 2];
    CHAR8 reply[REPLY_MAX];
    CHAR8 text[HUB_TEXT];
} HUB;

typedef MS EFI_STATUS (*GET_VARIABLE)(CHAR16 *, EFI_GUID *, UINT32 *, UINTN *, VOID *);
typedef MS EFI_STATUS (*SET_VARIABLE)(CHAR16 *, EFI_GUID *, UINT32, UINTN, VOID *);
typedef MS EFI_STATUS (*CONVERT_POINTER)(UINTN, VOID **);

/* ---------------------------------------------------------------- runtime-safe helpers */

static UINTN slen(const CHAR8 *s)
{
    UINTN n = 0;
    while (s[n]) {
        n++;
    }
    return n;
}

static BOOLEAN seq(const CHAR8 *a, const CHAR8 *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static BOOLEAN guid_eq(const EFI_GUID *a, const EFI_GUID *b)
{
    const UINT8 *x = (const UINT8 *)a;
    const UINT8 *y = (const UINT8 *)b;
    for (int i = 0; i < 16; i++) {
        if (x[i] != y[i]) {
            return FALSE;
        }
    }
    return TRUE;
}

static void copy(VOID *dst, const VOID *src, UINTN n)
{
    UINT8 *d = dst;
    const UINT8 *s = src;
    for (UINTN i = 0; i < n; i++) {
        d[i] = s[i];
    }
}

/* A text being built in a fixed buffer; writes past the end are dropped. */
typedef struct {
    CHAR8 *buf;
    UINTN len;
    UINTN cap;
} TEXT;

static void t_str(TEXT *t, const CHAR8 *s)
{
    while (*s && t->len + 1 < t->cap) {
        t->buf[t->len++] = *s++;
    }
    t->buf[t->len] = 0;
}

static void t_hex(TEXT *t, UINT64 v)
{
    CHAR8 tmp[19];
    int n = 0;
    tmp[n++] = '0';
    tmp[n++] = 'x';
    int shift = 60;
    while (shift > 0 && ((v >> shift) & 0xf) == 0) {
        shift -= 4;
    }
    for (; shift >= 0; shift -= 4) {
        tmp[n++] = "0123456789abcdef"[(v >> shift) & 0xf];
    }
    tmp[n] = 0;
    t_str(t, tmp);
}

static void t_dec(TEXT *t, UINT64 v)
{
    CHAR8 tmp[21];
    int n = 20;
    tmp[n] = 0;
    do {
        tmp[--n] = (CHAR8)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    t_str(t, tmp + n);
}

static BOOLEAN parse_num(const CHAR8 *s, UINT64 *out)
{
    UINT64 v = 0;
    if (*s == 0) {
        return FALSE;
    }
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        if (*s == 0) {
            return FALSE;
        }
        for (; *s; s++) {
            CHAR8 c = *s;
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0) {
                return FALSE;
            }
            v = v * 16 + (UINT64)d;
        }
    } else {
        for (; *s; s++) {
            if (*s < '0' || *s > '9') {
                return FALSE;
            }
            v = v * 10 + (UINT64)(*s - '0');
        }
    }
    *out = v;
    return TRUE;
}

static int hexval(CHAR8 c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Registry format GUID text to EFI_GUID. */
static BOOLEAN parse_guid(const CHAR8 *s, EFI_GUID *g)
{
    static const int groups[5] = {8, 4, 4, 4, 12};
    UINT8 b[16];
    int nb = 0;
    for (int gi = 0; gi < 5; gi++) {
        for (int i = 0; i < groups[gi]; i += 2) {
            int hi = hexval(*s++);
            int lo = hi < 0 ? -1 : hexval(*s++);
            if (hi < 0 || lo < 0) {
                return FALSE;
            }
            b[nb++] = (UINT8)(hi * 16 + lo);
        }
        if (gi < 4 && *s++ != '-') {
            return FALSE;
        }
    }
    if (*s != 0) {
        return FALSE;
    }
    g->Data1 = (UINT32)b[0] << 24 | (UINT32)b[1] << 16 | (UINT32)b[2] << 8 | b[3];
    g->Data2 = (UINT16)(b[4] << 8 | b[5]);
    g->Data3 = (UINT16)(b[6] << 8 | b[7]);
    for (int i = 0; i < 8; i++) {
        g->Data4[i] = b[8 + i];
    }
    return TRUE;
}

static const CHAR8 *tpl_name(UINT64 tpl)
{
    switch (tpl) {
    case 4: return (const CHAR8 *)"TPL_APPLICATION";
    case 8: return (const CHAR8 *)"TPL_CALLBACK";
    case 16: return (const CHAR8 *)"TPL_NOTIFY";
    case 31: return (const CHAR8 *)"TPL_HIGH_LEVEL";
    default: return NULL;
    }
}

static void t_tpl(TEXT *t, UINT64 tpl)
{
    const CHAR8 *n = tpl_name(tpl);
    if (n != NULL) {
        t_str(t, n);
    } else {
        t_dec(t, tpl);
    }
}

/* ---------------------------------------------------------------- state of this image */

#define MAX_ITEMS 8
#define BUFFER_SIZE 64
#define CANARY 0x59524e4143524c48ULL /* "HLRCANRY" */

enum { IN_RUNTIME = 0, IN_BOOT_SERVICES = 1, IS_NULL = 2 };

typedef struct {
    CHAR8 name[NAME_MAX];
    int placement;
    UINT64 value;      /* the global the scenario's driver keeps */
    UINT64 expected;   /* the same address, always converted: where the pointer must point in virtual mode */
    UINT64 physical;   /* the address as allocated */
    BOOLEAN forgotten; /* fault injection: the notify skips it */
} POINTER;

typedef struct {
    CHAR8 pointer[NAME_MAX];
    BOOLEAN optional;
} CONVERSION;

typedef struct {
    CHAR8 group[NAME_MAX];
    EFI_GUID guid;
    UINT64 tpl;
    EFI_EVENT event;
    BOOLEAN closed;
    BOOLEAN harness;   /* created for the harness, not by the scenario's definition */
    BOOLEAN is_vac;
} NOTIFY;

static BOOLEAN mHub;            /* this image is the hub */
static CHAR8 mName[NAME_MAX];
static POINTER mPointers[MAX_ITEMS];
static UINTN mPointerCount;
static CONVERSION mConversions[MAX_ITEMS];
static UINTN mConversionCount;
static NOTIFY mNotifies[MAX_ITEMS + 2];
static UINTN mNotifyCount;
static BOOLEAN mLeaveOpen;
static UINTN mSlot;             /* this driver's entry in the hub */
static BOOLEAN mExited;         /* this driver's ExitBootServices notify ran */
static BOOLEAN mVirtual;        /* this driver's VirtualAddressChange notify ran */
static BOOLEAN mUnloaded;

/* Pointers stored at run time: each is converted by this image's VirtualAddressChange notify. */
static HUB *mShared;
static CONVERT_POINTER mConvert;
static GET_VARIABLE mNextGet;   /* hub: the GetVariable it wraps */
static SET_VARIABLE mNextSet;   /* hub: the SetVariable it wraps */
static UINT64 mRun;             /* this image's run entry, as stored in the hub */

/* Created events for "create" commands: they belong to the driver and are closed by its Unload. */
static EFI_EVENT mCreated[32];
static UINTN mCreatedCount;

/* ---------------------------------------------------------------- the shared record */

static void record(const CHAR8 *line)
{
    HUB *h = mShared;
    if (h == NULL) {
        return;
    }
    UINTN n = slen(line);
    if (h->used + n + 1 >= HUB_TEXT) {
        return;
    }
    copy(h->text + h->used, line, n);
    h->used += (UINT32)n;
    h->text[h->used++] = '\n';
}

/* ---------------------------------------------------------------- using the pointers */

/*
 * Follows every pointer the way runtime code does and describes each fault as a line. A pointer is not followed
 * where that would fault on real hardware: memory the OS owns after ExitBootServices is judged from where it was
 * allocated, and a pointer that still holds its physical address in virtual mode is named (following it works on an
 * OS that keeps a 1:1 mapping of runtime memory, as Linux x86-64 does, which the note "followed" says).
 */
static void use_pointers(TEXT *t)
{
    UINTN faults = 0;
    for (UINTN i = 0; i < mPointerCount; i++) {
        POINTER *p = &mPointers[i];
        if (p->placement == IS_NULL || p->value == 0) {
            continue;
        }
        if (mVirtual && p->value != p->expected) {
            t_str(t, (const CHAR8 *)"fault ");
            t_str(t, p->name);
            t_str(t, (const CHAR8 *)" was not converted\n");
            faults++;
            if (p->placement == IN_RUNTIME) {
                /* Measured, not assumed: read through the address the driver forgot to convert. */
                t_str(t, (const CHAR8 *)"note ");
                t_str(t, p->name);
                t_str(t, *(volatile UINT64 *)p->value == CANARY
                      ? (const CHAR8 *)" still reads through its physical address\n"
                      : (const CHAR8 *)" reads other data through its physical address\n");
            }
            continue;
        }
        if (p->placement == IN_BOOT_SERVICES && mExited) {
            t_str(t, (const CHAR8 *)"fault ");
            t_str(t, p->name);
            t_str(t, (const CHAR8 *)" points into boot-services memory freed at ExitBootServices\n");
            faults++;
            continue;
        }
        if (*(volatile UINT64 *)p->value != CANARY) {
            t_str(t, (const CHAR8 *)"fault ");
            t_str(t, p->name);
            t_str(t, (const CHAR8 *)" points at other data\n");
            faults++;
        }
    }
    if (faults == 0) {
        t_str(t, (const CHAR8 *)"ok\n");
    }
}


/* ---------------------------------------------------------------- the memory attributes table */

/*
 * Measured on Debian's OVMF 2022.11 with Linux 6.1: runtime images loaded from the Shell are not described in the
 * EFI Memory Attributes Table. Their pages stay inside the runtime-code entry marked XP, Linux maps runtime memory
 * by that table, and the first call into such an image faults on an instruction fetch (NX) inside
 * efi_enter_virtual_mode. So the hub describes the code sections of the test images itself: at ExitBootServices,
 * when the firmware no longer rebuilds the table, it publishes a copy in which those ranges are RO (executable)
 * and everything else keeps the firmware's attributes.
 */
static EFI_GUID MemoryAttributesTableGuid = {0xdcfa911d, 0x26eb, 0x469f, {0xa2, 0x20, 0x38, 0xb7, 0xdc, 0x46, 0x12, 0x20}};

typedef struct {
    UINT32 Version;
    UINT32 NumberOfEntries;
    UINT32 DescriptorSize;
    UINT32 Reserved;
} MAT_HEADER;

#define PATCH_BYTES (64 * 1024)
#define SCN_MEM_EXECUTE 0x20000000u
#define SCN_MEM_WRITE 0x80000000u
#ifndef EFI_MEMORY_RO
#define EFI_MEMORY_RO 0x20000ULL
#endif
static UINT8 *mPatch;           /* hub: a boot-services buffer for the table, allocated at load */

/* Registers the executable, read-only sections of the image at `base` in the hub. */
static __attribute__((unused)) void register_code(UINT8 *base)
{
    UINT32 pe = *(UINT32 *)(base + 0x3c);
    UINT16 sections = *(UINT16 *)(base + pe + 6);
    UINT16 optional = *(UINT16 *)(base + pe + 20);
    UINT8 *sec = base + pe + 24 + optional;
    for (UINT16 i = 0; i < sections && mShared->code_count < HUB_DRIVERS * 2; i++, sec += 40) {
        UINT32 va = *(UINT32 *)(sec + 12);
        UINT32 raw = *(UINT32 *)(sec + 16);
        UINT32 virt = *(UINT32 *)(sec + 8);
        UINT32 ch = *(UINT32 *)(sec + 36);
        UINT32 size = raw > virt ? raw : virt;
        if ((ch & (SCN_MEM_EXECUTE | SCN_MEM_WRITE)) == SCN_MEM_EXECUTE && size != 0) {
            mShared->code_start[mShared->code_count] = (UINT64)(UINTN)base + va;
            mShared->code_end[mShared->code_count] = ((UINT64)(UINTN)base + va + size + 0xfff) & ~0xfffULL;
            mShared->code_count++;
        }
    }
}

static void put_entry(UINT8 **out, UINT8 *end, const EFI_MEMORY_DESCRIPTOR *d, UINTN size, UINT64 from, UINT64 to,
                      BOOLEAN code, UINT32 *count)
{
    if (from >= to || *out + size > end) {
        return;
    }
    EFI_MEMORY_DESCRIPTOR *n = (EFI_MEMORY_DESCRIPTOR *)*out;
    copy(n, d, size);
    n->PhysicalStart = from;
    n->VirtualStart = 0;
    n->NumberOfPages = (to - from) >> 12;
    if (code) {
        n->Attribute = (n->Attribute & ~(UINT64)EFI_MEMORY_XP) | EFI_MEMORY_RO;
    }
    *out += size;
    (*count)++;
}

static void patch_attributes_table(void)
{
    UINTN index = ST->NumberOfTableEntries;
    for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
        if (guid_eq(&ST->ConfigurationTable[i].VendorGuid, &MemoryAttributesTableGuid)) {
            index = i;
        }
    }
    if (index == ST->NumberOfTableEntries || mPatch == NULL) {
        record((const CHAR8 *)"attributes-table none");
        return;
    }
    MAT_HEADER *old = ST->ConfigurationTable[index].VendorTable;
    MAT_HEADER *neu = (MAT_HEADER *)mPatch;
    *neu = *old;
    UINT32 count = 0;
    UINT8 *out = mPatch + sizeof(MAT_HEADER);
    UINT8 *end = mPatch + PATCH_BYTES;
    UINT8 *in = (UINT8 *)(old + 1);
    for (UINT32 e = 0; e < old->NumberOfEntries; e++, in += old->DescriptorSize) {
        const EFI_MEMORY_DESCRIPTOR *d = (const EFI_MEMORY_DESCRIPTOR *)in;
        UINT64 at = d->PhysicalStart;
        UINT64 stop = d->PhysicalStart + (d->NumberOfPages << 12);
        while (at < stop) {
            /* The next code range that starts at or after `at`, or contains it. */
            UINT64 cs = stop;
            UINT64 ce = stop;
            for (UINT32 r = 0; r < mShared->code_count; r++) {
                UINT64 s = mShared->code_start[r] > at ? mShared->code_start[r] : at;
                if (mShared->code_end[r] > at && s < cs) {
                    cs = s;
                    ce = mShared->code_end[r] < stop ? mShared->code_end[r] : stop;
                }
            }
            put_entry(&out, end, d, old->DescriptorSize, at, cs, FALSE, &count);
            put_entry(&out, end, d, old->DescriptorSize, cs, ce, TRUE, &count);
            at = ce;
        }
    }
    neu->NumberOfEntries = count;
    ST->ConfigurationTable[index].VendorTable = neu;
    CHAR8 line[80];
    TEXT t = {line, 0, sizeof(line)};
    t_str(&t, (const CHAR8 *)"attributes-table entries ");
    t_dec(&t, old->NumberOfEntries);
    t_str(&t, (const CHAR8 *)" -> ");
    t_dec(&t, count);
    record(line);
}

/* ---------------------------------------------------------------- notify functions */

static void record_notify(const NOTIFY *n)
{
    CHAR8 line[128];
    TEXT t = {line, 0, sizeof(line)};
    t_str(&t, (const CHAR8 *)"notify ");
    t_str(&t, mName);
    t_str(&t, (const CHAR8 *)" ");
    t_str(&t, n->group);
    t_str(&t, (const CHAR8 *)" ");
    t_tpl(&t, n->tpl);
    record(line);
}

static MS void group_notify(EFI_EVENT event, VOID *context)
{
    (void)event;
    record_notify((const NOTIFY *)context);
}

static MS void noop_notify(EFI_EVENT event, VOID *context)
{
    (void)event;
    (void)context;
}

/* The harness's own ExitBootServices notify: remembers the moment and uses the pointers once, as the only code a
 * driver runs between ExitBootServices and SetVirtualAddressMap when the OS makes both in a row. */
static MS void exit_notify(EFI_EVENT event, VOID *context)
{
    (void)event;
    (void)context;
    mExited = TRUE;
    if (mHub) {
        if (mShared != NULL) {
            mShared->exited = 1;
            patch_attributes_table();
        }
        return;
    }
    CHAR8 out[512];
    TEXT t = {out, 0, sizeof(out)};
    use_pointers(&t);
    /* One record line per result line: "used-at-exit <Name> <fault line or ok>". */
    UINTN start = 0;
    for (UINTN i = 0; i < t.len; i++) {
        if (out[i] == '\n') {
            CHAR8 line[256];
            TEXT l = {line, 0, sizeof(line)};
            out[i] = 0;
            t_str(&l, (const CHAR8 *)"used-at-exit ");
            t_str(&l, mName);
            t_str(&l, (const CHAR8 *)" ");
            t_str(&l, out + start);
            record(line);
            start = i + 1;
        }
    }
}

static void convert_own(VOID **p)
{
    if (*p != NULL) {
        mConvert(0, p);
    }
}

/*
 * The VirtualAddressChange notify: records itself (when the scenario's definition has it), makes the conversions
 * the definition lists, each recorded with its status, then converts what the harness keeps. Runs in physical mode.
 */
static MS void virtual_notify(EFI_EVENT event, VOID *context)
{
    (void)event;
    NOTIFY *n = context;
    if (!n->harness) {
        record_notify(n);
    }
#ifdef HIL_BS_IMAGE
    /* This code is EfiBootServicesCode, which the OS owns after ExitBootServices: being called here is the fault. */
    {
        CHAR8 line[160];
        TEXT t = {line, 0, sizeof(line)};
        t_str(&t, (const CHAR8 *)"fault ");
        t_str(&t, mName);
        t_str(&t, (const CHAR8 *)" the VirtualAddressChange notify function points into boot-services memory freed"
              " at ExitBootServices");
        record(line);
        return;
    }
#endif
    if (mUnloaded) {
        CHAR8 line[160];
        TEXT t = {line, 0, sizeof(line)};
        t_str(&t, (const CHAR8 *)"fault ");
        t_str(&t, mName);
        t_str(&t, (const CHAR8 *)" the VirtualAddressChange notify function points into freed memory");
        record(line);
        return;
    }
    for (UINTN c = 0; c < mConversionCount; c++) {
        for (UINTN i = 0; i < mPointerCount; i++) {
            POINTER *p = &mPointers[i];
            if (!seq(p->name, mConversions[c].pointer) || p->forgotten) {
                continue;
            }
            EFI_STATUS st = mConvert(mConversions[c].optional ? EFI_OPTIONAL_PTR : 0, (VOID **)&p->value);
            CHAR8 line[160];
            TEXT t = {line, 0, sizeof(line)};
            t_str(&t, (const CHAR8 *)"convert ");
            t_str(&t, mName);
            t_str(&t, (const CHAR8 *)" ");
            t_str(&t, p->name);
            t_str(&t, mConversions[c].optional ? (const CHAR8 *)" opt " : (const CHAR8 *)" - ");
            t_hex(&t, st);
            record(line);
        }
    }
    for (UINTN i = 0; i < mPointerCount; i++) {
        if (mPointers[i].expected != 0) {
            mConvert(0, (VOID **)&mPointers[i].expected);
        }
    }
    if (mShared != NULL) {
        /* The hub calls this driver through the entry in the shared block: it must hold the virtual address. */
        mConvert(0, (VOID **)&mShared->drivers[mSlot].run);
    }
    mVirtual = TRUE;
    if (mHub) {
        mShared->virtual_mode = 1;
        convert_own((VOID **)&mNextGet);
        convert_own((VOID **)&mNextSet);
    }
    convert_own((VOID **)&mShared);
    /* Last: the conversions above call through it. */
    convert_own((VOID **)&mConvert);
}

/* ---------------------------------------------------------------- commands */

static EFI_STATUS create_event(NOTIFY *n, UINT32 type, EFI_EVENT_NOTIFY fn, EFI_EVENT *event)
{
    if ((n->guid.Data1 | n->guid.Data2 | n->guid.Data3) != 0) {
        return uefi_call_wrapper(BS->CreateEventEx, 6, type, (EFI_TPL)n->tpl, fn, n, &n->guid, event);
    }
    return uefi_call_wrapper(BS->CreateEvent, 5, type, (EFI_TPL)n->tpl, fn, n, event);
}

/* EDK II's IEVENT starts with the signature "evnt" and the Type: the type the DXE core gave the event. */
static BOOLEAN event_type(EFI_EVENT e, UINT32 *type)
{
    const UINT8 *p = (const UINT8 *)e;
    if (p == NULL || *(const UINT64 *)p != 0x746e7665ULL) {
        return FALSE;
    }
    *type = *(const UINT32 *)(p + 8);
    return TRUE;
}

/* Splits `s` at spaces into at most `max` words (in place). */
static UINTN words(CHAR8 *s, CHAR8 **w, UINTN max)
{
    UINTN n = 0;
    while (*s) {
        while (*s == ' ') {
            *s++ = 0;
        }
        if (*s == 0 || n == max) {
            break;
        }
        w[n++] = s;
        while (*s && *s != ' ') {
            s++;
        }
    }
    return n;
}

static NOTIFY mScratchNotify;

static void cmd_create(CHAR8 **w, UINTN n, TEXT *t)
{
    UINT64 type;
    UINT64 tpl;
    if (n < 3 || !parse_num(w[1], &type) || !parse_num(w[2], &tpl)) {
        t_str(t, (const CHAR8 *)"error usage: create <type> <tpl> [<group>:<guid>]\n");
        return;
    }
    NOTIFY *s = &mScratchNotify;
    SetMem(s, sizeof(*s), 0);
    s->tpl = tpl;
    if (n >= 4) {
        CHAR8 *colon = w[3];
        while (*colon && *colon != ':') {
            colon++;
        }
        if (*colon != ':' || !parse_guid(colon + 1, &s->guid)) {
            t_str(t, (const CHAR8 *)"error bad group\n");
            return;
        }
    }
    EFI_EVENT e = NULL;
    EFI_STATUS st = create_event(s, (UINT32)type, (EFI_EVENT_NOTIFY)noop_notify, &e);
    t_str(t, (const CHAR8 *)"status ");
    t_hex(t, st);
    t_str(t, (const CHAR8 *)"\n");
    UINT32 actual;
    if (!EFI_ERROR(st) && event_type(e, &actual)) {
        t_str(t, (const CHAR8 *)"type ");
        t_hex(t, actual);
        t_str(t, (const CHAR8 *)"\n");
        /* IEVENT.EventGroup: after Signature, Type, SignalCount, SignalLink, NotifyTpl, NotifyFunction, Context. */
        const UINT8 *g = (const UINT8 *)e + 56;
        t_str(t, (const CHAR8 *)"group ");
        for (int i = 0; i < 16; i++) {
            CHAR8 hx[3] = {"0123456789abcdef"[g[i] >> 4], "0123456789abcdef"[g[i] & 0xf], 0};
            t_str(t, hx);
        }
        t_str(t, (const CHAR8 *)"\n");
    }
    if (!EFI_ERROR(st)) {
        if (mCreatedCount < sizeof(mCreated) / sizeof(mCreated[0])) {
            mCreated[mCreatedCount++] = e;
        } else {
            uefi_call_wrapper(BS->CloseEvent, 1, e);
        }
    }
}

static void cmd_events(TEXT *t)
{
    for (UINTN i = 0; i < mNotifyCount; i++) {
        NOTIFY *n = &mNotifies[i];
        if (n->harness) {
            continue;
        }
        t_str(t, (const CHAR8 *)"event ");
        t_str(t, n->group);
        t_str(t, (const CHAR8 *)" ");
        t_tpl(t, n->tpl);
        t_str(t, n->closed ? (const CHAR8 *)" closed\n" : (const CHAR8 *)" open\n");
    }
}

static POINTER *pointer_named(const CHAR8 *name)
{
    for (UINTN i = 0; i < mPointerCount; i++) {
        if (seq(mPointers[i].name, name)) {
            return &mPointers[i];
        }
    }
    return NULL;
}

/* A command for this image; boot-phase ones call boot services and are refused after ExitBootServices. */
static MS UINTN run(const CHAR8 *command, CHAR8 *out, UINTN cap)
{
    CHAR8 line[256];
    UINTN len = slen(command);
    if (len >= sizeof(line)) {
        len = sizeof(line) - 1;
    }
    copy(line, command, len);
    line[len] = 0;
    CHAR8 *w[6];
    UINTN n = words(line, w, 6);
    TEXT t = {out, 0, cap};
    out[0] = 0;
    if (n == 0) {
        t_str(&t, (const CHAR8 *)"error empty command\n");
    } else if (seq(w[0], (const CHAR8 *)"use")) {
        use_pointers(&t);
    } else if (seq(w[0], (const CHAR8 *)"convert") && n >= 2) {
        /* ConvertPointer is a runtime service: asked for at any time, through the pointer the driver converted. */
        POINTER *p = pointer_named(w[1]);
        if (p == NULL) {
            t_str(&t, (const CHAR8 *)"error no such pointer\n");
        } else {
            BOOLEAN opt = n >= 3 && seq(w[2], (const CHAR8 *)"opt");
            EFI_STATUS st = mConvert(opt ? EFI_OPTIONAL_PTR : 0, (VOID **)&p->value);
            t_str(&t, (const CHAR8 *)"status ");
            t_hex(&t, st);
            t_str(&t, (const CHAR8 *)"\n");
        }
    } else if (mExited) {
        t_str(&t, (const CHAR8 *)"error boot services are gone\n");
    } else if (seq(w[0], (const CHAR8 *)"events")) {
        cmd_events(&t);
    } else if (seq(w[0], (const CHAR8 *)"create")) {
        cmd_create(w, n, &t);
    } else if (seq(w[0], (const CHAR8 *)"forget") && n == 2) {
        POINTER *p = pointer_named(w[1]);
        if (p == NULL) {
            t_str(&t, (const CHAR8 *)"error no such pointer\n");
        } else {
            p->forgotten = TRUE;
            t_str(&t, (const CHAR8 *)"ok\n");
        }
    } else if (seq(w[0], (const CHAR8 *)"signal") && mHub && n == 2) {
        CHAR8 *colon = w[1];
        while (*colon && *colon != ':') {
            colon++;
        }
        NOTIFY *s = &mScratchNotify;
        SetMem(s, sizeof(*s), 0);
        s->tpl = TPL_CALLBACK;
        if (*colon != ':' || !parse_guid(colon + 1, &s->guid)) {
            t_str(&t, (const CHAR8 *)"error bad group\n");
        } else {
            EFI_EVENT e = NULL;
            EFI_STATUS st = create_event(s, EVT_NOTIFY_SIGNAL, (EFI_EVENT_NOTIFY)noop_notify, &e);
            if (!EFI_ERROR(st)) {
                st = uefi_call_wrapper(BS->SignalEvent, 1, e);
                uefi_call_wrapper(BS->CloseEvent, 1, e);
            }
            t_str(&t, (const CHAR8 *)"status ");
            t_hex(&t, st);
            t_str(&t, (const CHAR8 *)"\n");
        }
    } else {
        t_str(&t, (const CHAR8 *)"error unknown command\n");
    }
    return t.len;
}

/* ---------------------------------------------------------------- the hub's variable wrappers */

static const CHAR16 LogName[] = L"HilRtLog";
static const CHAR16 ReplyName[] = L"HilRtReply";
static const CHAR16 UsePrefix[] = L"HilRtUse-";
static const CHAR16 CmdPrefix[] = L"HilRtCmd-";

/* If `name` is `prefix` followed by an ASCII driver name, that name in `out`. */
static BOOLEAN suffix(const CHAR16 *name, const CHAR16 *prefix, CHAR8 *out)
{
    while (*prefix) {
        if (*name++ != *prefix++) {
            return FALSE;
        }
    }
    UINTN n = 0;
    while (*name) {
        if (*name > 0x7e || n + 1 >= NAME_MAX) {
            return FALSE;
        }
        out[n++] = (CHAR8)*name++;
    }
    out[n] = 0;
    return n > 0;
}

static BOOLEAN same16(const CHAR16 *a, const CHAR16 *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static HUB_ENTRY *entry_named(const CHAR8 *name)
{
    for (UINTN i = 0; i < HUB_DRIVERS; i++) {
        if (mShared->drivers[i].active && seq(mShared->drivers[i].name, name)) {
            return &mShared->drivers[i];
        }
    }
    return NULL;
}

static EFI_STATUS answer(const CHAR8 *text, UINTN len, UINT32 *attributes, UINTN *size, VOID *data)
{
    if (size == NULL) {
        return EFI_INVALID_PARAMETER;
    }
    if (*size < len) {
        *size = len;
        return EFI_BUFFER_TOO_SMALL;
    }
    if (data == NULL) {
        return EFI_INVALID_PARAMETER;
    }
    copy(data, text, len);
    *size = len;
    if (attributes != NULL) {
        *attributes = EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS;
    }
    return EFI_SUCCESS;
}

static CHAR8 mUseOut[REPLY_MAX];

static MS EFI_STATUS hub_get(CHAR16 *name, EFI_GUID *vendor, UINT32 *attributes, UINTN *size, VOID *data)
{
    CHAR8 driver[NAME_MAX];
    if (name == NULL || vendor == NULL || !guid_eq(vendor, &HilRtGuid)) {
        return mNextGet(name, vendor, attributes, size, data);
    }
    if (same16(name, LogName)) {
        return answer(mShared->text, mShared->used, attributes, size, data);
    }
    if (same16(name, ReplyName)) {
        return answer(mShared->reply, mShared->reply_len, attributes, size, data);
    }
    if (suffix(name, UsePrefix, driver)) {
        HUB_ENTRY *e = entry_named(driver);
        if (e == NULL) {
            return EFI_NOT_FOUND;
        }
        UINTN len;
        if (e->bs_image && mShared->exited) {
            TEXT t = {mUseOut, 0, sizeof(mUseOut)};
            t_str(&t, (const CHAR8 *)"unavailable the driver is a boot-services image\n");
            len = t.len;
        } else {
            len = ((DRIVER_RUN)e->run)((const CHAR8 *)"use", mUseOut, sizeof(mUseOut));
        }
        return answer(mUseOut, len, attributes, size, data);
    }
    return mNextGet(name, vendor, attributes, size, data);
}

static MS EFI_STATUS hub_set(CHAR16 *name, EFI_GUID *vendor, UINT32 attributes, UINTN size, VOID *data)
{
    CHAR8 driver[NAME_MAX];
    if (name == NULL || vendor == NULL || !guid_eq(vendor, &HilRtGuid)) {
        return mNextSet(name, vendor, attributes, size, data);
    }
    if (!suffix(name, CmdPrefix, driver) || data == NULL || size == 0 || size >= 256) {
        return EFI_INVALID_PARAMETER;
    }
    HUB_ENTRY *e = entry_named(driver);
    if (e == NULL) {
        return EFI_NOT_FOUND;
    }
    if (e->bs_image && mShared->exited) {
        /* Its code is boot-services memory, which the OS owns now: never called. */
        TEXT t = {mShared->reply, 0, sizeof(mShared->reply)};
        t_str(&t, (const CHAR8 *)"error the driver is a boot-services image\n");
        mShared->reply_len = (UINT32)t.len;
        return EFI_SUCCESS;
    }
    CHAR8 command[256];
    copy(command, data, size);
    command[size] = 0;
    mShared->reply_len = (UINT32)((DRIVER_RUN)e->run)(command, mShared->reply, sizeof(mShared->reply));
    return EFI_SUCCESS;
}

/* ---------------------------------------------------------------- load options */

static EFI_STATUS fail_config(const CHAR8 *why, const CHAR8 *word)
{
    Print(L"hilrtdrv: %a: %a\r\n", why, word);
    return EFI_INVALID_PARAMETER;
}

static BOOLEAN take_name(CHAR8 *dst, const CHAR8 *src, CHAR8 stop)
{
    UINTN n = 0;
    while (src[n] && src[n] != stop) {
        if (n + 1 >= NAME_MAX) {
            return FALSE;
        }
        dst[n] = src[n];
        n++;
    }
    dst[n] = 0;
    return n > 0;
}

static BOOLEAN starts(const CHAR8 *s, const char *p)
{
    while (*p) {
        if (*s++ != (CHAR8)*p++) {
            return FALSE;
        }
    }
    return TRUE;
}

static EFI_STATUS configure(CHAR8 *options)
{
    CHAR8 *w[40];
    UINTN n = words(options, w, 40);
    for (UINTN i = 0; i < n; i++) {
        CHAR8 *s = w[i];
        if (seq(s, (const CHAR8 *)"hub")) {
            mHub = TRUE;
            copy(mName, "HilRtHub", 9);
        } else if (seq(s, (const CHAR8 *)"leave-open")) {
            mLeaveOpen = TRUE;
        } else if (starts(s, "name=")) {
            if (!take_name(mName, s + 5, 0)) {
                return fail_config((const CHAR8 *)"bad name", s);
            }
        } else if (starts(s, "ptr=")) {
            if (mPointerCount == MAX_ITEMS) {
                return fail_config((const CHAR8 *)"too many pointers", s);
            }
            POINTER *p = &mPointers[mPointerCount];
            if (!take_name(p->name, s + 4, ':')) {
                return fail_config((const CHAR8 *)"bad pointer", s);
            }
            CHAR8 *where = s + 4 + slen(p->name);
            if (seq(where, (const CHAR8 *)":rt")) {
                p->placement = IN_RUNTIME;
            } else if (seq(where, (const CHAR8 *)":bs")) {
                p->placement = IN_BOOT_SERVICES;
            } else if (seq(where, (const CHAR8 *)":null")) {
                p->placement = IS_NULL;
            } else {
                return fail_config((const CHAR8 *)"bad placement", s);
            }
            mPointerCount++;
        } else if (starts(s, "conv=")) {
            if (mConversionCount == MAX_ITEMS) {
                return fail_config((const CHAR8 *)"too many conversions", s);
            }
            CONVERSION *c = &mConversions[mConversionCount];
            if (!take_name(c->pointer, s + 5, ':')) {
                return fail_config((const CHAR8 *)"bad conversion", s);
            }
            CHAR8 *rest = s + 5 + slen(c->pointer);
            if (seq(rest, (const CHAR8 *)":opt")) {
                c->optional = TRUE;
            } else if (*rest != 0) {
                return fail_config((const CHAR8 *)"bad conversion", s);
            }
            mConversionCount++;
        } else if (starts(s, "notify=")) {
            if (mNotifyCount == MAX_ITEMS) {
                return fail_config((const CHAR8 *)"too many notifies", s);
            }
            NOTIFY *e = &mNotifies[mNotifyCount];
            if (!take_name(e->group, s + 7, ':')) {
                return fail_config((const CHAR8 *)"bad notify", s);
            }
            CHAR8 *g = s + 7 + slen(e->group);
            if (*g != ':' || slen(g + 1) < 38 || g[37] != ':') {
                return fail_config((const CHAR8 *)"bad notify", s);
            }
            g[37] = 0;
            if (!parse_guid(g + 1, &e->guid) || !parse_num(g + 38, &e->tpl)) {
                return fail_config((const CHAR8 *)"bad notify", s);
            }
            e->is_vac = guid_eq(&e->guid, &VirtualAddressChangeGuid);
            mNotifyCount++;
        } else {
            return fail_config((const CHAR8 *)"unknown option", s);
        }
    }
    if (mName[0] == 0) {
        return fail_config((const CHAR8 *)"missing", (const CHAR8 *)"name=");
    }
    for (UINTN c = 0; c < mConversionCount; c++) {
        if (pointer_named(mConversions[c].pointer) == NULL) {
            return fail_config((const CHAR8 *)"conversion of an unknown pointer", mConversions[c].pointer);
        }
    }
    return EFI_SUCCESS;
}

/* ---------------------------------------------------------------- entry and unload */

static EFI_STATUS close_events(void)
{
    EFI_STATUS worst = EFI_SUCCESS;
    for (UINTN i = 0; i < mNotifyCount; i++) {
        if (mNotifies[i].event != NULL && !mNotifies[i].closed) {
            EFI_STATUS st = uefi_call_wrapper(BS->CloseEvent, 1, mNotifies[i].event);
            mNotifies[i].closed = !EFI_ERROR(st);
            worst = EFI_ERROR(st) ? st : worst;
        }
    }
    for (UINTN i = 0; i < mCreatedCount; i++) {
        uefi_call_wrapper(BS->CloseEvent, 1, mCreated[i]);
    }
    mCreatedCount = 0;
    return worst;
}

static MS EFI_STATUS unload(EFI_HANDLE image)
{
    (void)image;
    if (mHub) {
        return EFI_ACCESS_DENIED; /* gRT points into it */
    }
    CHAR8 line[160];
    TEXT t = {line, 0, sizeof(line)};
    t_str(&t, (const CHAR8 *)"unload ");
    t_str(&t, mName);
    if (!mLeaveOpen) {
        EFI_STATUS st = close_events();
        t_str(&t, (const CHAR8 *)" closed ");
        t_hex(&t, st);
    }
    UINTN open = 0;
    for (UINTN i = 0; i < mNotifyCount; i++) {
        if (!mNotifies[i].harness && !mNotifies[i].closed) {
            open++;
        }
    }
    t_str(&t, (const CHAR8 *)" open ");
    t_dec(&t, open);
    record(line);
    for (UINTN i = 0; i < mPointerCount; i++) {
        if (mPointers[i].physical != 0) {
            uefi_call_wrapper(BS->FreePool, 1, (VOID *)mPointers[i].physical);
        }
    }
    mShared->drivers[mSlot].active = 0;
    mUnloaded = TRUE;
    return EFI_SUCCESS;
}

static EFI_STATUS start_hub(void)
{
    for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
        if (guid_eq(&ST->ConfigurationTable[i].VendorGuid, &HilRtGuid)) {
            return fail_config((const CHAR8 *)"a hub is already running", (const CHAR8 *)"hub");
        }
    }
    EFI_PHYSICAL_ADDRESS block = 0;
    EFI_STATUS st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages, EfiRuntimeServicesData,
                                      EFI_SIZE_TO_PAGES(sizeof(HUB)), &block);
    if (EFI_ERROR(st)) {
        return st;
    }
    HUB *h = (HUB *)(UINTN)block;
    SetMem(h, sizeof(HUB), 0);
    h->signature = HUB_SIGNATURE;
    mShared = h;
    st = uefi_call_wrapper(BS->InstallConfigurationTable, 2, &HilRtGuid, h);
    if (EFI_ERROR(st)) {
        return st;
    }
    /* Wrap the two variable services; the table's CRC is made valid again. */
    EFI_TPL old = uefi_call_wrapper(BS->RaiseTPL, 1, TPL_HIGH_LEVEL);
    mNextGet = (GET_VARIABLE)RT->GetVariable;
    mNextSet = (SET_VARIABLE)RT->SetVariable;
    RT->GetVariable = (EFI_GET_VARIABLE)hub_get;
    RT->SetVariable = (EFI_SET_VARIABLE)hub_set;
    RT->Hdr.CRC32 = 0;
    uefi_call_wrapper(BS->CalculateCrc32, 3, RT, RT->Hdr.HeaderSize, &RT->Hdr.CRC32);
    uefi_call_wrapper(BS->RestoreTPL, 1, old);
    return EFI_SUCCESS;
}

static EFI_STATUS register_driver(EFI_LOADED_IMAGE *li)
{
    for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
        if (guid_eq(&ST->ConfigurationTable[i].VendorGuid, &HilRtGuid)) {
            mShared = ST->ConfigurationTable[i].VendorTable;
        }
    }
    if (mShared == NULL || mShared->signature != HUB_SIGNATURE) {
        mShared = NULL;
        return fail_config((const CHAR8 *)"no hub: load one with the option", (const CHAR8 *)"hub");
    }
    for (UINTN i = 0; i < HUB_DRIVERS; i++) {
        if (mShared->drivers[i].active && seq(mShared->drivers[i].name, mName)) {
            mShared = NULL;
            return fail_config((const CHAR8 *)"a driver of this name is loaded", mName);
        }
    }
    for (UINTN i = 0; i < HUB_DRIVERS; i++) {
        HUB_ENTRY *e = &mShared->drivers[i];
        if (!e->active) {
            SetMem(e, sizeof(*e), 0);
            copy(e->name, mName, slen(mName) + 1);
            mRun = (UINT64)(UINTN)run;
            e->run = mRun;
            e->bs_image = li->ImageCodeType == EfiBootServicesCode;
            e->active = 1;
            mSlot = i;
            return EFI_SUCCESS;
        }
    }
    mShared = NULL;
    return fail_config((const CHAR8 *)"too many drivers", mName);
}

static EFI_STATUS allocate_pointers(void)
{
    for (UINTN i = 0; i < mPointerCount; i++) {
        POINTER *p = &mPointers[i];
        if (p->placement == IS_NULL) {
            continue;
        }
        UINT64 *buffer = NULL;
        EFI_STATUS st = uefi_call_wrapper(BS->AllocatePool, 3,
                                          p->placement == IN_RUNTIME ? EfiRuntimeServicesData : EfiBootServicesData,
                                          BUFFER_SIZE, (VOID **)&buffer);
        if (EFI_ERROR(st)) {
            return st;
        }
        SetMem(buffer, BUFFER_SIZE, 0);
        buffer[0] = CANARY;
        p->value = p->expected = p->physical = (UINT64)(UINTN)buffer;
    }
    return EFI_SUCCESS;
}

/*
 * The events: the scenario's notifies, then the VirtualAddressChange notify the conversions need (TPL_NOTIFY, as
 * the UEFI runtime library uses) when the definition has none, then the harness's own ExitBootServices notify. A
 * runtime image always needs a VirtualAddressChange notify for what the harness keeps; it is the harness's when the
 * definition neither converts nor asks for one.
 */
static EFI_STATUS create_events(TEXT *created)
{
    BOOLEAN have_vac = FALSE;
    for (UINTN i = 0; i < mNotifyCount; i++) {
        have_vac = have_vac || mNotifies[i].is_vac;
    }
    UINTN scenario = mNotifyCount;
#ifndef HIL_BS_IMAGE
    if (!have_vac) {
        NOTIFY *v = &mNotifies[mNotifyCount++];
        copy(v->group, "VirtualAddressChange", 21);
        v->guid = VirtualAddressChangeGuid;
        v->tpl = TPL_NOTIFY;
        v->is_vac = TRUE;
        v->harness = mConversionCount == 0 || mHub;
    }
#endif
    NOTIFY *x = &mNotifies[mNotifyCount++];
    copy(x->group, "ExitBootServices", 17);
    x->guid = ExitBootServicesGuid;
    x->tpl = TPL_CALLBACK;
    x->harness = TRUE;
    for (UINTN i = 0; i < mNotifyCount; i++) {
        NOTIFY *n = &mNotifies[i];
        EFI_EVENT_NOTIFY fn = (EFI_EVENT_NOTIFY)(n->is_vac ? virtual_notify : i == mNotifyCount - 1 ? exit_notify
                                                                                                : group_notify);
        EFI_STATUS st = create_event(n, EVT_NOTIFY_SIGNAL, fn, &n->event);
        if (!n->harness || (i >= scenario && n->is_vac)) {
            t_str(created, (const CHAR8 *)"event ");
            t_str(created, mName);
            t_str(created, (const CHAR8 *)" ");
            t_str(created, n->group);
            t_str(created, (const CHAR8 *)" ");
            t_tpl(created, n->tpl);
            t_str(created, (const CHAR8 *)" ");
            t_hex(created, st);
            t_str(created, n->harness ? (const CHAR8 *)" harness" : (const CHAR8 *)"");
            t_str(created, (const CHAR8 *)"\n");
        }
        if (EFI_ERROR(st)) {
            n->event = NULL;
            n->closed = TRUE;
        }
    }
    return EFI_SUCCESS;
}

EFI_STATUS EFIAPI efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *system_table)
{
    InitializeLib(image, system_table);
    EFI_LOADED_IMAGE *li = NULL;
    EFI_STATUS st = uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol, (VOID **)&li);
    if (EFI_ERROR(st)) {
        return st;
    }
    /* The agent passes the configuration as NUL-terminated ASCII. */
    static CHAR8 options[1024];
    UINTN n = li->LoadOptions == NULL ? 0 : li->LoadOptionsSize;
    if (n == 0 || n >= sizeof(options)) {
        return fail_config((const CHAR8 *)"load options", (const CHAR8 *)"missing or longer than 1023 bytes");
    }
    copy(options, li->LoadOptions, n);
    options[n] = 0;
    st = configure(options);
    if (EFI_ERROR(st)) {
        return st;
    }
    mConvert = (CONVERT_POINTER)RT->ConvertPointer;
    if (mHub) {
#ifdef HIL_BS_IMAGE
        return fail_config((const CHAR8 *)"the hub must be a runtime image", (const CHAR8 *)"hub");
#endif
        st = start_hub();
        if (!EFI_ERROR(st)) {
            /* The hub takes commands too ("signal"), through its own entry. */
            st = register_driver(li);
        }
    } else {
        st = register_driver(li);
        if (!EFI_ERROR(st)) {
            st = allocate_pointers();
        }
    }
    if (EFI_ERROR(st)) {
        return st;
    }
#ifndef HIL_BS_IMAGE
    register_code((UINT8 *)li->ImageBase);
    if (mHub) {
        st = uefi_call_wrapper(BS->AllocatePool, 3, EfiBootServicesData, PATCH_BYTES, (VOID **)&mPatch);
        if (EFI_ERROR(st)) {
            return st;
        }
    }
#endif
    CHAR8 line[512];
    TEXT t = {line, 0, sizeof(line)};
    t_str(&t, (const CHAR8 *)"load ");
    t_str(&t, mName);
    t_str(&t, li->ImageCodeType == EfiRuntimeServicesCode ? (const CHAR8 *)" EfiRuntimeServicesCode"
                                                            : (const CHAR8 *)" EfiBootServicesCode");
    record(line);
    CHAR8 events[1024];
    TEXT e = {events, 0, sizeof(events)};
    create_events(&e);
    /* One record line per created event. */
    UINTN start = 0;
    for (UINTN i = 0; i < e.len; i++) {
        if (events[i] == '\n') {
            events[i] = 0;
            record(events + start);
            start = i + 1;
        }
    }
    li->Unload = (EFI_IMAGE_UNLOAD)unload;
    return EFI_SUCCESS;
}
