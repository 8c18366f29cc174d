/*
 * hilrtcall: an EFI runtime driver that lets a program of the OS make raw variable runtime-service calls.
 *
 * An OS reaches the variable services only through its own interface (Linux: efivarfs), which turns EFI
 * statuses into errno values and adds calls of its own. This driver, loaded from the UEFI Shell just before
 * the OS starts, wraps the firmware's SetVariable and GetVariable and offers a mailbox of two variables
 * under a private GUID:
 *
 *   - a SetVariable of "HilRtCall" is not stored: its data is a request, and the driver makes the requested
 *     call (GetVariable, GetNextVariableName, SetVariable or QueryVariableInfo) through the firmware's own
 *     services, with exactly the sizes, attributes and NULL pointers the request names, in the runtime
 *     context the OS set up, and keeps the result;
 *   - a GetVariable of "HilRtResult" answers with that result. The driver creates HilRtResult at load time
 *     as a real volatile BS|RT variable, so an OS that lists variables (efivarfs) shows it.
 *
 * The firmware decides every status: the driver only carries bytes. The formats are in agent/linux/PROTOCOL.md
 * ("raw calls"); the host side is RtCallCodec.java.
 *
 * Runtime rules kept here: every piece of state the wrappers write is in one block of EfiRuntimeServicesData;
 * every pointer that block holds, and the pointer to it, is converted with ConvertPointer when the OS calls
 * SetVirtualAddressMap. The image's own data is written only while boot services run. The code after
 * ExitBootServices calls nothing of gnu-efi's library.
 *
 * Where the code runs: EDK II records a runtime image's sections for the Memory Attributes Table only when
 * the image is loaded before EndOfDxe, which BDS signals before anything from a disk can run. An image loaded
 * later (from the Shell, or as a Driver#### option) gets no record, and its pages, inside the firmware's
 * preallocated EfiRuntimeServicesCode range, are published as EFI_MEMORY_XP: Linux maps them non-executable
 * and its first SetVariable through the wrapper faults (measured on Debian's OVMF 2022.11 with Linux 6.1). So
 * the driver copies its whole image into pages of EfiRuntimeServicesCode allocated apart from that range (a
 * range of runtime code without images, which the firmware publishes without XP) and installs the copy's
 * functions. The copy is valid at any address because the image has no absolute relocations at all (build.sh
 * checks): code and data reach each other RIP-relative.
 */
#include <efi.h>
#include <efilib.h>

#define REQUEST_MAGIC 0x51545248u /* "HRTQ" */
#define RESULT_MAGIC 0x52545248u  /* "HRTR" */
#define MAILBOX_VERSION 1

#define OP_GET 1
#define OP_NEXT 2
#define OP_SET 3
#define OP_QUERY 4
#define OP_HELLO 5

/* Request flags: which pointers the call gets as NULL. */
#define NULL_NAME 0x01u
#define NULL_GUID 0x02u
#define NULL_SIZE 0x04u
#define NULL_ATTRS 0x08u
#define NULL_DATA 0x10u
#define NULL_OUTPUTS 0x20u
#define NULL_ALL 0x3Fu

/* Result state bits: what the driver has seen of the OS's start. */
#define SEEN_EXIT_BOOT_SERVICES 0x1u
#define SEEN_VIRTUAL_ADDRESS_MAP 0x2u

/* Result error codes: 0 means the call was made. */
#define ERR_NONE 0
#define ERR_MAGIC 1
#define ERR_VERSION 2
#define ERR_OP 3
#define ERR_LENGTH 4
#define ERR_TOO_LARGE 5
#define ERR_FLAGS 6

#define REQUEST_HEADER 56
#define RESULT_HEADER 88

/* Largest name, data or size a request may name (as for the boot-phase agent). */
#define MAX_BUFFER (1024u * 1024u)
#define MAX_REQUEST (REQUEST_HEADER + 2u * MAX_BUFFER)

#define ATTRS_BS_RT 0x6u

/*
 * Pages for the copy of the image: more than the firmware's preallocated EfiRuntimeServicesCode range holds
 * (OVMF reserves 1 MiB), so that the allocation cannot be served from it.
 */
#define COPY_PAGES 512

static EFI_GUID mailbox_guid = {0x6f3c9a52, 0x8e1d, 0x4c7b, {0x9a, 0x0e, 0x5d, 0x2f, 0x71, 0xb3, 0xc4, 0xa8}};
static CHAR16 call_name[] = u"HilRtCall";
static CHAR16 result_name[] = u"HilRtResult";
static CHAR8 hello_text[] = "hilrtcall 1";

/* Everything the wrappers read or write after ExitBootServices. */
typedef struct {
    EFI_GET_VARIABLE get_variable;
    EFI_GET_NEXT_VARIABLE_NAME get_next_variable_name;
    EFI_SET_VARIABLE set_variable;
    EFI_QUERY_VARIABLE_INFO query_variable_info;
    UINT8 *request;  /* the last request as written, MAX_REQUEST bytes */
    UINTN request_len;
    UINT8 *result;   /* RESULT_HEADER + MAX_BUFFER bytes */
    UINTN result_len;
    UINT8 *name;     /* the call's name buffer, MAX_BUFFER + 2 bytes */
    UINT8 *data;     /* the call's data buffer, MAX_BUFFER bytes */
    UINT32 seen;
    UINT32 calls;
    EFI_GUID guid;   /* the call's VendorGuid (in/out for GetNextVariableName) */
    UINT32 attrs_out;
    UINTN size_io;
    UINT64 max_storage;
    UINT64 remaining_storage;
    UINT64 max_variable;
} STATE;

/* Set while boot services run; converted at SetVirtualAddressMap. */
static STATE *state;
/* Used only while boot services run and during SetVirtualAddressMap (before the table is converted). */
static EFI_RUNTIME_SERVICES *boot_rt;
static EFI_BOOT_SERVICES *boot_bs;

/* ---- byte helpers (no library calls: they run in virtual mode) ------------------------------------------- */

static void copy_bytes(UINT8 *dst, const UINT8 *src, UINTN n)
{
    for (UINTN i = 0; i < n; i++) {
        dst[i] = src[i];
    }
}

static void zero_bytes(UINT8 *dst, UINTN n)
{
    for (UINTN i = 0; i < n; i++) {
        dst[i] = 0;
    }
}

static UINT32 get32(const UINT8 *p)
{
    return (UINT32)p[0] | (UINT32)p[1] << 8 | (UINT32)p[2] << 16 | (UINT32)p[3] << 24;
}

static UINT64 get64(const UINT8 *p)
{
    return (UINT64)get32(p) | (UINT64)get32(p + 4) << 32;
}

static void put32(UINT8 *p, UINT32 v)
{
    p[0] = (UINT8)v;
    p[1] = (UINT8)(v >> 8);
    p[2] = (UINT8)(v >> 16);
    p[3] = (UINT8)(v >> 24);
}

static void put64(UINT8 *p, UINT64 v)
{
    put32(p, (UINT32)v);
    put32(p + 4, (UINT32)(v >> 32));
}

static BOOLEAN same_guid(const EFI_GUID *a, const EFI_GUID *b)
{
    const UINT8 *x = (const UINT8 *)a;
    const UINT8 *y = (const UINT8 *)b;
    for (UINTN i = 0; i < sizeof(EFI_GUID); i++) {
        if (x[i] != y[i]) {
            return FALSE;
        }
    }
    return TRUE;
}

static BOOLEAN same_name(const CHAR16 *a, const CHAR16 *b)
{
    while (*a != 0 && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

/* Which mailbox variable a call names: 1 HilRtCall, 2 HilRtResult, 0 neither. */
static int mailbox(const CHAR16 *name, const EFI_GUID *guid)
{
    if (state == NULL || name == NULL || guid == NULL || !same_guid(guid, &mailbox_guid)) {
        return 0;
    }
    if (same_name(name, call_name)) {
        return 1;
    }
    return same_name(name, result_name) ? 2 : 0;
}

/* ---- requests ------------------------------------------------------------------------------------------- */

/* Starts a result: header with the request's op and seq, no call made yet. */
static UINT8 *result_begin(UINT16 op, UINT32 seq)
{
    UINT8 *r = state->result;
    zero_bytes(r, RESULT_HEADER);
    put32(r, RESULT_MAGIC);
    r[4] = MAILBOX_VERSION;
    r[6] = (UINT8)op;
    r[7] = (UINT8)(op >> 8);
    put32(r + 8, seq);
    put32(r + 12, state->seen);
    put32(r + 84, state->calls);
    state->result_len = RESULT_HEADER;
    return r;
}

static void result_error(UINT16 op, UINT32 seq, UINT32 error)
{
    UINT8 *r = result_begin(op, seq);
    put32(r + 16, error);
}

static void result_output(UINT8 *r, const UINT8 *bytes, UINTN n)
{
    put32(r + 80, (UINT32)n);
    copy_bytes(r + RESULT_HEADER, bytes, n);
    state->result_len = RESULT_HEADER + n;
}

/*
 * Makes the call a request names and keeps its result. The request layout (little endian):
 *   0 magic, 4 version (u16), 6 op (u16), 8 seq, 12 flags, 16 attrs, 20 name bytes (u32, without NUL),
 *   24 size (u64), 32 guid (16 bytes, EFI_GUID memory layout), 48 data bytes (u32), 52 reserved,
 *   56 name (UTF-16LE), then data.
 */
static void run_request(const UINT8 *req, UINTN len)
{
    state->calls++;
    if (len < REQUEST_HEADER || get32(req) != REQUEST_MAGIC) {
        result_error(0, 0, ERR_MAGIC);
        return;
    }
    UINT16 op = (UINT16)(req[6] | req[7] << 8);
    UINT32 seq = get32(req + 8);
    if ((UINT16)(req[4] | req[5] << 8) != MAILBOX_VERSION) {
        result_error(op, seq, ERR_VERSION);
        return;
    }
    UINT32 flags = get32(req + 12);
    UINT32 attrs = get32(req + 16);
    UINT32 name_bytes = get32(req + 20);
    UINT64 size = get64(req + 24);
    UINT32 data_bytes = get32(req + 48);
    if ((flags & ~NULL_ALL) != 0 || ((flags & NULL_NAME) && name_bytes != 0)
            || ((flags & NULL_DATA) && data_bytes != 0)) {
        result_error(op, seq, ERR_FLAGS);
        return;
    }
    if (name_bytes > MAX_BUFFER || data_bytes > MAX_BUFFER || size > MAX_BUFFER) {
        result_error(op, seq, ERR_TOO_LARGE);
        return;
    }
    if (name_bytes % 2 != 0 || (UINT64)REQUEST_HEADER + name_bytes + data_bytes != len) {
        result_error(op, seq, ERR_LENGTH);
        return;
    }
    const UINT8 *name_in = req + REQUEST_HEADER;
    const UINT8 *data_in = name_in + name_bytes;
    CHAR16 *name = (flags & NULL_NAME) ? NULL : (CHAR16 *)state->name;
    EFI_GUID *guid = (flags & NULL_GUID) ? NULL : &state->guid;
    UINTN *size_ptr = (flags & NULL_SIZE) ? NULL : &state->size_io;
    copy_bytes((UINT8 *)&state->guid, req + 32, sizeof(EFI_GUID));
    state->size_io = (UINTN)size;
    UINT8 *r;
    EFI_STATUS st;

    switch (op) {
    case OP_HELLO:
        r = result_begin(op, seq);
        result_output(r, (const UINT8 *)hello_text, sizeof(hello_text) - 1);
        return;

    case OP_GET: {
        /* The name and its NUL; the data buffer holds max(size, 1) zeroed bytes. */
        if (name != NULL) {
            copy_bytes(state->name, name_in, name_bytes);
            state->name[name_bytes] = 0;
            state->name[name_bytes + 1] = 0;
        }
        UINTN buffer = (flags & NULL_SIZE) || size == 0 ? 1 : (UINTN)size;
        UINT8 *data = (flags & NULL_DATA) ? NULL : state->data;
        if (data != NULL) {
            zero_bytes(data, buffer);
        }
        state->attrs_out = 0;
        st = state->get_variable(name, guid, (flags & NULL_ATTRS) ? NULL : &state->attrs_out, size_ptr, data);
        r = result_begin(op, seq);
        put64(r + 24, st);
        put64(r + 32, state->size_io);
        put32(r + 20, state->attrs_out);
        if (st == EFI_SUCCESS && data != NULL && size_ptr != NULL) {
            /* Never more than the buffer, whatever size the firmware claims. */
            result_output(r, data, state->size_io < buffer ? state->size_io : buffer);
        }
        return;
    }

    case OP_NEXT: {
        /* The buffer holds max(size, StrSize(name)) bytes: the name, its NUL, zeros. */
        UINTN buffer = 0;
        if (name != NULL) {
            buffer = name_bytes + 2;
            if (!(flags & NULL_SIZE) && size > buffer) {
                buffer = (UINTN)size;
            }
            if (buffer > MAX_BUFFER + 2) {
                result_error(op, seq, ERR_TOO_LARGE);
                return;
            }
            zero_bytes(state->name, buffer);
            copy_bytes(state->name, name_in, name_bytes);
        }
        st = state->get_next_variable_name(size_ptr, name, guid);
        r = result_begin(op, seq);
        put64(r + 24, st);
        put64(r + 32, state->size_io);
        copy_bytes(r + 40, (const UINT8 *)&state->guid, sizeof(EFI_GUID));
        if (st == EFI_SUCCESS && name != NULL) {
            UINTN units = 0;
            while (units < buffer / 2 && name[units] != 0) {
                units++;
            }
            result_output(r, state->name, units * 2);
        }
        return;
    }

    case OP_SET: {
        /* The data buffer holds max(size, data bytes), zero beyond the data. */
        if (name != NULL) {
            copy_bytes(state->name, name_in, name_bytes);
            state->name[name_bytes] = 0;
            state->name[name_bytes + 1] = 0;
        }
        UINT8 *data = NULL;
        if (!(flags & NULL_DATA)) {
            UINTN buffer = size > data_bytes ? (UINTN)size : data_bytes;
            data = state->data;
            zero_bytes(data, buffer == 0 ? 1 : buffer);
            copy_bytes(data, data_in, data_bytes);
        }
        st = state->set_variable(name, guid, attrs, (UINTN)size, data);
        r = result_begin(op, seq);
        put64(r + 24, st);
        return;
    }

    case OP_QUERY: {
        BOOLEAN outs = !(flags & NULL_OUTPUTS);
        state->max_storage = 0;
        state->remaining_storage = 0;
        state->max_variable = 0;
        st = state->query_variable_info(attrs, outs ? &state->max_storage : NULL,
                                        outs ? &state->remaining_storage : NULL,
                                        outs ? &state->max_variable : NULL);
        r = result_begin(op, seq);
        put64(r + 24, st);
        put64(r + 56, state->max_storage);
        put64(r + 64, state->remaining_storage);
        put64(r + 72, state->max_variable);
        return;
    }

    default:
        result_error(op, seq, ERR_OP);
        return;
    }
}

/* ---- the wrapped services ------------------------------------------------------------------------------- */

/* Answers a GetVariable from bytes the driver holds, as EDK II's GetVariable answers for a stored variable. */
static EFI_STATUS answer(const UINT8 *bytes, UINTN len, UINT32 *attributes, UINTN *data_size, VOID *data)
{
    if (data_size == NULL) {
        return EFI_INVALID_PARAMETER;
    }
    EFI_STATUS st;
    if (*data_size < len) {
        st = EFI_BUFFER_TOO_SMALL;
    } else if (data == NULL) {
        return EFI_INVALID_PARAMETER;
    } else {
        copy_bytes(data, bytes, len);
        st = EFI_SUCCESS;
    }
    *data_size = len;
    if (attributes != NULL) {
        *attributes = ATTRS_BS_RT;
    }
    return st;
}

static EFI_STATUS EFIAPI wrapped_get_variable(CHAR16 *name, EFI_GUID *guid, UINT32 *attributes, UINTN *data_size,
                                              VOID *data)
{
    switch (mailbox(name, guid)) {
    case 1:
        if (state->request_len > 0) {
            return answer(state->request, state->request_len, attributes, data_size, data);
        }
        break;
    case 2:
        return answer(state->result, state->result_len, attributes, data_size, data);
    }
    return state->get_variable(name, guid, attributes, data_size, data);
}

/*
 * A write of HilRtCall runs the request and is not stored; a delete of it (DataSize 0) forgets the last
 * request. Everything else goes to the firmware.
 */
static EFI_STATUS EFIAPI wrapped_set_variable(CHAR16 *name, EFI_GUID *guid, UINT32 attributes, UINTN data_size,
                                              VOID *data)
{
    if (mailbox(name, guid) != 1) {
        return state->set_variable(name, guid, attributes, data_size, data);
    }
    if (data_size == 0) {
        state->request_len = 0;
        return EFI_SUCCESS;
    }
    if (data == NULL) {
        return EFI_INVALID_PARAMETER;
    }
    if (data_size > MAX_REQUEST) {
        result_error(0, 0, ERR_TOO_LARGE);
        state->request_len = 0;
        return EFI_SUCCESS;
    }
    copy_bytes(state->request, data, data_size);
    state->request_len = data_size;
    run_request(state->request, data_size);
    return EFI_SUCCESS;
}

/* ---- events --------------------------------------------------------------------------------------------- */

static VOID EFIAPI on_exit_boot_services(EFI_EVENT event, VOID *context)
{
    (void)event;
    (void)context;
    state->seen |= SEEN_EXIT_BOOT_SERVICES;
}

/* SetVirtualAddressMap: every pointer the wrappers use, then the pointer to the state itself. */
static VOID EFIAPI on_virtual_address_change(EFI_EVENT event, VOID *context)
{
    (void)event;
    (void)context;
    EFI_CONVERT_POINTER convert = boot_rt->ConvertPointer;
    state->seen |= SEEN_VIRTUAL_ADDRESS_MAP;
    convert(0, (VOID **)&state->get_variable);
    convert(0, (VOID **)&state->get_next_variable_name);
    convert(0, (VOID **)&state->set_variable);
    convert(0, (VOID **)&state->query_variable_info);
    convert(0, (VOID **)&state->request);
    convert(0, (VOID **)&state->result);
    convert(0, (VOID **)&state->name);
    convert(0, (VOID **)&state->data);
    convert(0, (VOID **)&state);
}

/* ---- entry ---------------------------------------------------------------------------------------------- */

static EFI_GUID loaded_image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;

static EFI_STATUS allocate(UINTN size, VOID **out)
{
    return boot_bs->AllocatePool(EfiRuntimeServicesData, size, out);
}

static void print(EFI_SYSTEM_TABLE *st, CHAR16 *text)
{
    st->ConOut->OutputString(st->ConOut, text);
}

/* Called by gnu-efi's start-up code after its relocation, with the System V calling convention. */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
    (void)image;
    boot_bs = st->BootServices;
    boot_rt = st->RuntimeServices;
    if (state != NULL) {
        print(st, u"hilrtcall: already loaded\r\n");
        return EFI_ALREADY_STARTED;
    }
    STATE *s;
    EFI_STATUS status = allocate(sizeof(STATE), (VOID **)&s);
    if (EFI_ERROR(status)) {
        print(st, u"hilrtcall: no runtime memory for the state\r\n");
        return status;
    }
    zero_bytes((UINT8 *)s, sizeof(STATE));
    if (EFI_ERROR((status = allocate(MAX_REQUEST, (VOID **)&s->request)))
            || EFI_ERROR((status = allocate(RESULT_HEADER + MAX_BUFFER, (VOID **)&s->result)))
            || EFI_ERROR((status = allocate(MAX_BUFFER + 2, (VOID **)&s->name)))
            || EFI_ERROR((status = allocate(MAX_BUFFER, (VOID **)&s->data)))) {
        print(st, u"hilrtcall: no runtime memory for the buffers\r\n");
        return status;
    }
    EFI_LOADED_IMAGE *loaded;
    status = boot_bs->HandleProtocol(image, &loaded_image_guid, (VOID **)&loaded);
    if (EFI_ERROR(status)) {
        print(st, u"hilrtcall: no loaded-image protocol\r\n");
        return status;
    }
    UINTN pages = EFI_SIZE_TO_PAGES(loaded->ImageSize);
    EFI_PHYSICAL_ADDRESS copy;
    status = boot_bs->AllocatePages(AllocateAnyPages, EfiRuntimeServicesCode, pages > COPY_PAGES ? pages : COPY_PAGES,
                                    &copy);
    if (EFI_ERROR(status)) {
        print(st, u"hilrtcall: no runtime code pages for its copy\r\n");
        return status;
    }
    s->get_variable = boot_rt->GetVariable;
    s->get_next_variable_name = boot_rt->GetNextVariableName;
    s->set_variable = boot_rt->SetVariable;
    s->query_variable_info = boot_rt->QueryVariableInfo;
    state = s;

    /* The first result says hello; HilRtResult is made a real variable so that the OS lists it. */
    UINT8 *r = result_begin(OP_HELLO, 0);
    result_output(r, (const UINT8 *)hello_text, sizeof(hello_text) - 1);
    status = s->set_variable(result_name, &mailbox_guid, ATTRS_BS_RT, s->result_len, s->result);
    if (EFI_ERROR(status)) {
        print(st, u"hilrtcall: cannot create the variable HilRtResult\r\n");
        return status;
    }

    /* From here on only the copy runs; its data (state, boot_rt) is the image's as it is now. */
    UINT8 *base = loaded->ImageBase;
    UINT8 *to = (UINT8 *)(UINTN)copy;
    copy_bytes(to, base, loaded->ImageSize);
#define IN_COPY(f) ((VOID *)(to + ((UINT8 *)(f) - base)))
    EFI_EVENT exit_event;
    EFI_EVENT virtual_event;
    status = boot_bs->CreateEvent(EVT_SIGNAL_EXIT_BOOT_SERVICES, TPL_NOTIFY, IN_COPY(on_exit_boot_services), NULL,
                                  &exit_event);
    if (!EFI_ERROR(status)) {
        status = boot_bs->CreateEvent(EVT_SIGNAL_VIRTUAL_ADDRESS_CHANGE, TPL_NOTIFY,
                                      IN_COPY(on_virtual_address_change), NULL, &virtual_event);
    }
    if (EFI_ERROR(status)) {
        print(st, u"hilrtcall: cannot create its events\r\n");
        return status;
    }
    EFI_TPL old = boot_bs->RaiseTPL(TPL_HIGH_LEVEL);
    boot_rt->GetVariable = (EFI_GET_VARIABLE)IN_COPY(wrapped_get_variable);
    boot_rt->SetVariable = (EFI_SET_VARIABLE)IN_COPY(wrapped_set_variable);
    boot_rt->Hdr.CRC32 = 0;
    boot_bs->RestoreTPL(old);
    UINT32 crc = 0;
    boot_bs->CalculateCrc32(boot_rt, boot_rt->Hdr.HeaderSize, &crc);
    boot_rt->Hdr.CRC32 = crc;
    print(st, u"hilrtcall: mailbox HilRtCall/HilRtResult ready\r\n");
    return EFI_SUCCESS;
}
