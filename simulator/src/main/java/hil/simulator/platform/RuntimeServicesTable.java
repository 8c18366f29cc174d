package hil.simulator.platform;

import hil.simulator.uefi.Bytes;

import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * gRT, the EFI_RUNTIME_SERVICES table, in runtime memory: a 24-byte table header and one function pointer per
 * service in the order of the specification. Until a driver installs a service, its entry points to the DXE core's
 * placeholder (which returns EFI_NOT_AVAILABLE_YET and lives in boot-services code). SetVirtualAddressMap converts
 * every entry except SetVirtualAddressMap and ConvertPointer (reference 6.4 step 7).
 */
public final class RuntimeServicesTable {

    /** The services, in table order. */
    public enum Service {
        GET_TIME("GetTime"),
        SET_TIME("SetTime"),
        GET_WAKEUP_TIME("GetWakeupTime"),
        SET_WAKEUP_TIME("SetWakeupTime"),
        SET_VIRTUAL_ADDRESS_MAP("SetVirtualAddressMap"),
        CONVERT_POINTER("ConvertPointer"),
        GET_VARIABLE("GetVariable"),
        GET_NEXT_VARIABLE_NAME("GetNextVariableName"),
        SET_VARIABLE("SetVariable"),
        GET_NEXT_HIGH_MONOTONIC_COUNT("GetNextHighMonotonicCount"),
        RESET_SYSTEM("ResetSystem"),
        UPDATE_CAPSULE("UpdateCapsule"),
        QUERY_CAPSULE_CAPABILITIES("QueryCapsuleCapabilities"),
        QUERY_VARIABLE_INFO("QueryVariableInfo");

        private final String efiName;

        Service(String efiName) {
            this.efiName = efiName;
        }

        public String efiName() {
            return efiName;
        }

        /** Offset of the function pointer in the table. */
        public int offset() {
            return HEADER_SIZE + 8 * ordinal();
        }

        /** Whether SetVirtualAddressMap converts this entry. */
        public boolean converted() {
            return this != SET_VIRTUAL_ADDRESS_MAP && this != CONVERT_POINTER;
        }

        public static Optional<Service> byName(String efiName) {
            return Arrays.stream(values()).filter(s -> s.efiName.equals(efiName)).findFirst();
        }
    }

    /** EFI_TABLE_HEADER: Signature, Revision, HeaderSize, CRC32, Reserved. */
    static final int HEADER_SIZE = 24;
    /** sizeof (EFI_RUNTIME_SERVICES). */
    public static final int SIZE = HEADER_SIZE + 8 * 14;
    /** "RUNTSERV". */
    public static final long SIGNATURE = 0x56524553544E5552L;

    private final SystemMemory memory;
    private final LoadedImage placeholders;
    private final long table;

    RuntimeServicesTable(SystemMemory memory, LoadedImage placeholders, LoadedImage runtimeDriver) {
        this.memory = memory;
        this.placeholders = placeholders;
        this.table = memory.allocatePool(MemoryType.RUNTIME_SERVICES_DATA, SIZE, "gRT");
        memory.writeU64Physical(table, SIGNATURE);
        // Revision (low half) is not modelled; HeaderSize is the table size.
        memory.writeU64Physical(table + 8, (long) SIZE << 32);
        for (Service s : Service.values()) {
            memory.writeU64Physical(table + s.offset(), placeholders.entryPoint(s.ordinal()));
        }
        // The Runtime driver fills in the two services it implements itself.
        memory.writeU64Physical(table + Service.SET_VIRTUAL_ADDRESS_MAP.offset(), runtimeDriver.entryPoint(0));
        memory.writeU64Physical(table + Service.CONVERT_POINTER.offset(), runtimeDriver.entryPoint(1));
        updateCrc();
    }

    /** The table's physical address (gST->RuntimeServices before the switch to virtual mode). */
    public long address() {
        return table;
    }

    /** Installs a driver's function for a service, as a driver does with {@code gRT->X = MyX}. */
    public void install(Service service, long function) {
        memory.writeU64Physical(table + service.offset(), function);
        updateCrc();
    }

    /** The entry as stored (physical or, after SetVirtualAddressMap, virtual). */
    public long entry(Service service) {
        return memory.readU64Physical(table + service.offset());
    }

    /** Whether the entry is still the DXE core's placeholder. */
    public boolean placeholder(Service service) {
        long e = entry(service);
        return e >= placeholders.base() && e < placeholders.base() + SystemMemory.PAGE_SIZE * LoadedImage.PAGES;
    }

    /**
     * What a caller's {@code gRT->Service(...)} does first: reads the entry through the table and jumps there. The
     * OS reaches the table at its converted address in virtual mode.
     *
     * @throws MemoryFault when the entry cannot be executed now
     */
    public long call(Service service) {
        long tableNow = memory.mode() == SystemMemory.Mode.VIRTUAL ? memory.toVirtual(table).orElse(table) : table;
        long function = memory.readU64(tableNow + service.offset());
        memory.execute(function);
        return function;
    }

    /** Step 7 of SetVirtualAddressMap: converts the entries (ones the map does not cover stay as they are). */
    void convert(RuntimeArch runtime) {
        for (Service s : Service.values()) {
            if (s.converted()) {
                runtime.convertPointer(0, table + s.offset());
            }
        }
        updateCrc();
    }

    /** The header CRC32 over HeaderSize bytes with the CRC field zero, as CalculateCrc32 does. */
    private void updateCrc() {
        byte[] bytes = memory.readPhysical(table, SIZE);
        Bytes.put32(bytes, 16, 0);
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, SIZE);
        long header = memory.readU64Physical(table + 16) & 0xFFFFFFFF00000000L;
        memory.writeU64Physical(table + 16, header | crc.getValue());
    }

    /** The stored CRC32 of the table header. */
    public long crc32() {
        return memory.readU64Physical(table + 16) & 0xFFFFFFFFL;
    }
}
