package hil.simulator.smm;

/**
 * Byte layout of the SMM communicate buffer for the variable services (x64), as EDK II lays it out. Offsets of the
 * payload structures are relative to the payload start.
 */
public final class CommLayout {

    /** EFI_MM_COMMUNICATE_HEADER: HeaderGuid. */
    public static final int MM_HEADER_GUID = 0;
    /** EFI_MM_COMMUNICATE_HEADER: MessageLength (UINTN). */
    public static final int MM_MESSAGE_LENGTH = 16;
    /** SMM_COMMUNICATE_HEADER_SIZE: the offset of Data. */
    public static final int MM_HEADER_SIZE = 24;

    /** SMM_VARIABLE_COMMUNICATE_HEADER: Function (UINTN). */
    public static final int FUNCTION = 0;
    /** SMM_VARIABLE_COMMUNICATE_HEADER: ReturnStatus (EFI_STATUS). */
    public static final int RETURN_STATUS = 8;
    /** SMM_VARIABLE_COMMUNICATE_HEADER_SIZE. */
    public static final int VARIABLE_HEADER_SIZE = 16;

    /** ACCESS_VARIABLE (functions 1 and 3). */
    public static final int ACCESS_GUID = 0;
    public static final int ACCESS_DATA_SIZE = 16;
    public static final int ACCESS_NAME_SIZE = 24;
    public static final int ACCESS_ATTRIBUTES = 32;
    public static final int ACCESS_NAME = 36;

    /** GET_NEXT_VARIABLE_NAME (function 2) and LOCK_VARIABLE (function 8). */
    public static final int NEXT_GUID = 0;
    public static final int NEXT_NAME_SIZE = 16;
    public static final int NEXT_NAME = 24;

    /** QUERY_VARIABLE_INFO (function 4). */
    public static final int QUERY_MAX_STORAGE = 0;
    public static final int QUERY_REMAINING_STORAGE = 8;
    public static final int QUERY_MAX_VARIABLE_SIZE = 16;
    public static final int QUERY_ATTRIBUTES = 24;
    public static final int QUERY_SIZE = 32;

    /** VAR_CHECK_VARIABLE_PROPERTY (functions 9 and 10). */
    public static final int PROPERTY_GUID = 0;
    public static final int PROPERTY_NAME_SIZE = 16;
    public static final int PROPERTY = 24;
    public static final int PROPERTY_NAME = 48;

    /** GET_PAYLOAD_SIZE (function 11). */
    public static final int PAYLOAD_SIZE_SIZE = 8;
    /** RUNTIME_VARIABLE_CACHE_CONTEXT (function 12). */
    public static final int CACHE_CONTEXT_SIZE = 48;
    /** GET_RUNTIME_CACHE_INFO (function 14). */
    public static final int CACHE_INFO_SIZE = 32;

    public static final int FN_GET_VARIABLE = 1;
    public static final int FN_GET_NEXT_VARIABLE_NAME = 2;
    public static final int FN_SET_VARIABLE = 3;
    public static final int FN_QUERY_VARIABLE_INFO = 4;
    public static final int FN_READY_TO_BOOT = 5;
    public static final int FN_EXIT_BOOT_SERVICE = 6;
    public static final int FN_GET_STATISTICS = 7;
    public static final int FN_LOCK_VARIABLE = 8;
    public static final int FN_VAR_CHECK_PROPERTY_SET = 9;
    public static final int FN_VAR_CHECK_PROPERTY_GET = 10;
    public static final int FN_GET_PAYLOAD_SIZE = 11;
    public static final int FN_INIT_RUNTIME_CACHE_CONTEXT = 12;
    public static final int FN_SYNC_RUNTIME_CACHE = 13;
    public static final int FN_GET_RUNTIME_CACHE_INFO = 14;

    private CommLayout() {
    }

    /** mVariableBufferPayloadSize: GetMaxVariableSize + 48 (the VarCheck name offset) − the variable header size. */
    public static int payloadSize(int maxVariableSize, int variableHeaderSize) {
        return maxVariableSize + PROPERTY_NAME - variableHeaderSize;
    }
}
