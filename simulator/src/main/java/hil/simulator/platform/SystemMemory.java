package hil.simulator.platform;

import hil.simulator.uefi.Bytes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The machine's memory as firmware sees it: allocations by memory type in 4 KiB pages (reference 6.3), the memory
 * map and its key, and after SetVirtualAddressMap the OS's virtual mapping of the runtime ranges.
 *
 * <p>Contents are real bytes: drivers keep pointer values in memory and follow them by address. Every access goes
 * through the current addressing mode and is checked, so a pointer that was never converted, or one into
 * boot-services memory after ExitBootServices (which the OS owns from then on: it is filled with {@link #POISON}
 * and every later access is flagged), is detected instead of silently working.
 *
 * <p>Each allocation, pool allocations included, gets pages of its own, so every address names exactly one
 * allocation. Runtime types come from one range, boot-services types from another, as EDK II keeps runtime memory
 * together so the map stays stable from boot to boot.
 *
 * <p>A machine may have memory-type bins (EDK II's Memory Type Information, {@link #ovmfBins()}): for the "special"
 * types (EfiReservedMemoryType, EfiRuntimeServicesCode/Data, EfiACPIReclaimMemory, EfiACPIMemoryNVS) the DXE core
 * reserves a range early in boot, allocations of that type are taken from it while it has room, and GetMemoryMap
 * reports the free pages of a bin as the bin's type (CoreGetMemoryMap in MdeModulePkg/Core/Dxe/Mem/Page.c). So an
 * allocation made after someone took the map (SmmMemLib at EndOfDxe) still lies in a range of that map, which is
 * why a Shell application's EfiRuntimeServicesData buffer is accepted by SMM after SmmReadyToLock. A bin is one
 * contiguous piece of memory: code that addresses it physically (SMM) can run from one allocation into the next or
 * into the bin's free pages, as on real hardware. The model does not merge adjacent descriptors of one type as
 * EDK II's GetMemoryMap does, so that each descriptor names one allocation (or one run of free bin pages).
 */
public final class SystemMemory {

    public static final long PAGE_SIZE = 4096;
    /** What boot-services memory holds once the OS has it. */
    public static final byte POISON = (byte) 0xAF;

    static final long RUNTIME_BASE = 0x7F00_0000L;
    static final long BOOT_SERVICES_BASE = 0x4000_0000L;
    static final long OTHER_BASE = 0x1000_0000L;
    /**
     * SMRAM (OVMF's TSEG; QEMU's q35 default is 16 MiB): placed where the model allocates nothing. Neither DXE code
     * nor a communicate buffer may use it.
     */
    public static final long SMRAM_BASE = 0x0F00_0000L;
    public static final long SMRAM_SIZE = 16L << 20;

    /** How the CPU interprets addresses. */
    public enum Mode { PHYSICAL, VIRTUAL }

    /**
     * One allocation: {@code length} usable bytes (a pool's size, or whole pages) at {@code offset} in
     * {@code bytes}, which is the allocation's own array or the array of the bin it was taken from.
     */
    private static final class Region {
        final long base;
        final long pages;
        final MemoryType type;
        final String owner;
        final byte[] bytes;
        final int offset;
        final long length;
        boolean reclaimed;

        Region(long base, long pages, MemoryType type, String owner, byte[] bytes, int offset, long length) {
            this.base = base;
            this.pages = pages;
            this.type = type;
            this.owner = owner;
            this.bytes = bytes;
            this.offset = offset;
            this.length = length;
        }

        boolean containsPage(long address) {
            return Long.compareUnsigned(address - base, pages * PAGE_SIZE) < 0 && Long.compareUnsigned(address, base) >= 0;
        }
    }

    /** A memory-type bin: a reserved range of one type, with its bytes. */
    private static final class Bin {
        final MemoryType type;
        final long base;
        final long pages;
        final byte[] bytes;

        Bin(MemoryType type, long base, long pages) {
            this.type = type;
            this.base = base;
            this.pages = pages;
            this.bytes = new byte[(int) (pages * PAGE_SIZE)];
        }

        long end() {
            return base + pages * PAGE_SIZE;
        }

        boolean contains(long physical, long length) {
            return Long.compareUnsigned(physical, base) >= 0 && Long.compareUnsigned(length, end() - physical) <= 0
                    && Long.compareUnsigned(physical, end()) < 0;
        }
    }

    /**
     * OVMF X64's memory-type bins in pages (edk2-stable202211 OvmfPkgX64.dsc, PcdMemoryTypeEfi*; the
     * MemoryTypeInformation variable can grow them on later boots).
     */
    public static Map<MemoryType, Long> ovmfBins() {
        Map<MemoryType, Long> bins = new java.util.LinkedHashMap<>();
        bins.put(MemoryType.ACPI_MEMORY_NVS, 0x80L);
        bins.put(MemoryType.ACPI_RECLAIM, 0x12L);
        bins.put(MemoryType.RESERVED, 0x80L);
        bins.put(MemoryType.RUNTIME_SERVICES_CODE, 0x100L);
        bins.put(MemoryType.RUNTIME_SERVICES_DATA, 0x100L);
        return bins;
    }

    /** The types EDK II keeps bins for (mMemoryTypeStatistics[].Special), apart from EfiPalCode and unaccepted memory. */
    private static boolean special(MemoryType type) {
        return type == MemoryType.RESERVED || type == MemoryType.RUNTIME_SERVICES_CODE
                || type == MemoryType.RUNTIME_SERVICES_DATA || type == MemoryType.ACPI_RECLAIM
                || type == MemoryType.ACPI_MEMORY_NVS;
    }

    private final TreeMap<Long, Region> regions = new TreeMap<>(Long::compareUnsigned);
    private final Map<MemoryType, Bin> bins = new java.util.EnumMap<>(MemoryType.class);
    /** Ranges given back with FreePool/FreePages, remembered so that a later access can be named as such. */
    private final TreeMap<Long, Long> freed = new TreeMap<>(Long::compareUnsigned);
    private long nextRuntime = RUNTIME_BASE;
    private long nextBootServices = BOOT_SERVICES_BASE;
    private long nextOther = OTHER_BASE;
    private long mapKey = 1;
    private Mode mode = Mode.PHYSICAL;
    private List<MemoryDescriptor> virtualMapping = List.of();

    /** Memory without bins: every allocation gets fresh pages. */
    public SystemMemory() {
        this(Map.of());
    }

    /**
     * Memory with a bin of {@code binPages} pages for each of the given types (types EDK II keeps bins for:
     * EfiReservedMemoryType, EfiRuntimeServicesCode/Data, EfiACPIReclaimMemory, EfiACPIMemoryNVS).
     */
    public SystemMemory(Map<MemoryType, Long> binPages) {
        for (Map.Entry<MemoryType, Long> b : binPages.entrySet()) {
            MemoryType type = b.getKey();
            long pages = b.getValue();
            if (!special(type)) {
                throw new IllegalArgumentException("EDK II keeps no memory-type bin for " + type.efiName());
            }
            if (pages <= 0 || pages > Integer.MAX_VALUE / PAGE_SIZE) {
                throw new IllegalArgumentException("a bin of " + pages + " pages for " + type.efiName());
            }
            long base;
            if (type.runtime()) {
                base = nextRuntime;
                nextRuntime += pages * PAGE_SIZE;
            } else {
                base = nextOther;
                nextOther += pages * PAGE_SIZE;
            }
            bins.put(type, new Bin(type, base, pages));
        }
    }

    // ---- allocation ------------------------------------------------------------------------------------------

    /** AllocatePages(AllocateAnyPages): the physical address of {@code pages} zeroed pages owned by {@code owner}. */
    public long allocatePages(MemoryType type, long pages, String owner) {
        if (pages <= 0 || pages > Integer.MAX_VALUE / PAGE_SIZE) {
            throw new IllegalArgumentException("cannot allocate " + pages + " pages");
        }
        return place(type, pages, owner, pages * PAGE_SIZE);
    }

    /** AllocatePool: the address of {@code size} zeroed bytes; accesses past {@code size} are flagged. */
    public long allocatePool(MemoryType type, long size, String owner) {
        if (size < 0 || size > Integer.MAX_VALUE - PAGE_SIZE) {
            throw new IllegalArgumentException("cannot allocate " + size + " bytes");
        }
        long pages = Math.max(1, (size + PAGE_SIZE - 1) / PAGE_SIZE);
        return place(type, pages, owner, size);
    }

    private long place(MemoryType type, long pages, String owner, long length) {
        Bin bin = bins.get(type);
        long base = bin == null ? -1 : firstFit(bin, pages);
        Region region;
        if (base != -1) {
            int offset = (int) (base - bin.base);
            Arrays.fill(bin.bytes, offset, offset + (int) (pages * PAGE_SIZE), (byte) 0);
            region = new Region(base, pages, type, owner, bin.bytes, offset, length);
        } else {
            if (type.runtime()) {
                base = nextRuntime;
                nextRuntime += pages * PAGE_SIZE;
            } else if (type.bootServices()) {
                base = nextBootServices;
                nextBootServices += pages * PAGE_SIZE;
            } else {
                base = nextOther;
                nextOther += pages * PAGE_SIZE;
            }
            region = new Region(base, pages, type, owner, new byte[(int) (pages * PAGE_SIZE)], 0, length);
        }
        regions.put(base, region);
        freed.remove(base);
        mapKey++;
        return base;
    }

    /** The lowest run of {@code pages} free pages in the bin, or -1 when the bin has none. */
    private long firstFit(Bin bin, long pages) {
        long candidate = bin.base;
        for (Region r : regions.subMap(bin.base, true, bin.end(), false).values()) {
            if (r.base - candidate >= pages * PAGE_SIZE) {
                return candidate;
            }
            candidate = r.base + r.pages * PAGE_SIZE;
        }
        return bin.end() - candidate >= pages * PAGE_SIZE ? candidate : -1;
    }

    /** FreePool / FreePages of the allocation starting at {@code address}. */
    public boolean free(long address) {
        Region r = regions.get(address);
        if (r == null || r.reclaimed) {
            return false;
        }
        regions.remove(address);
        freed.put(address, r.pages * PAGE_SIZE);
        mapKey++;
        return true;
    }

    /** The key of the current memory map: it changes with every allocation and free. */
    public long mapKey() {
        return mapKey;
    }

    /**
     * GetMemoryMap: one descriptor per allocation and one per run of free pages in a bin (of the bin's type), in
     * physical order; runtime types carry EFI_MEMORY_RUNTIME.
     */
    public List<MemoryDescriptor> memoryMap() {
        TreeMap<Long, MemoryDescriptor> out = new TreeMap<>(Long::compareUnsigned);
        for (Region r : regions.values()) {
            if (!r.reclaimed) {
                out.put(r.base, MemoryDescriptor.of(r.type, r.base, 0, r.pages, attribute(r.type)));
            }
        }
        for (Bin bin : bins.values()) {
            long free = bin.base;
            for (Region r : regions.subMap(bin.base, true, bin.end(), false).values()) {
                if (r.base > free) {
                    out.put(free, MemoryDescriptor.of(bin.type, free, 0, (r.base - free) / PAGE_SIZE, attribute(bin.type)));
                }
                free = r.base + r.pages * PAGE_SIZE;
            }
            if (bin.end() > free) {
                out.put(free, MemoryDescriptor.of(bin.type, free, 0, (bin.end() - free) / PAGE_SIZE, attribute(bin.type)));
            }
        }
        return new ArrayList<>(out.values());
    }

    private static long attribute(MemoryType type) {
        return type.runtime() ? MemoryDescriptor.EFI_MEMORY_RUNTIME : 0;
    }

    /**
     * The virtual map an OS would pass to SetVirtualAddressMap: every runtime range of the current map at
     * {@code physical + offset}.
     */
    public List<MemoryDescriptor> virtualMap(long offset) {
        List<MemoryDescriptor> out = new ArrayList<>();
        for (MemoryDescriptor d : memoryMap()) {
            if (d.runtime()) {
                out.add(new MemoryDescriptor(d.type(), d.physicalStart(), d.physicalStart() + offset, d.numberOfPages(),
                        d.attribute()));
            }
        }
        return out;
    }

    /** The memory type at a physical address, if anything is allocated there. */
    public Optional<MemoryType> typeAt(long physical) {
        Region r = regionAt(physical);
        return r == null ? Optional.empty() : Optional.of(r.type);
    }

    /** Who allocated the memory at a physical address. */
    public Optional<String> ownerAt(long physical) {
        Region r = regionAt(physical);
        return r == null ? Optional.empty() : Optional.of(r.owner);
    }

    // ---- phase changes ---------------------------------------------------------------------------------------

    /**
     * ExitBootServices: boot-services memory becomes the OS's. EDK II does not clear it (reference 6.2), but the OS
     * may overwrite it at any time; the model overwrites it with {@link #POISON} and flags every later access.
     */
    public void reclaimBootServicesMemory() {
        for (Region r : regions.values()) {
            if (r.type.bootServices() && !r.reclaimed) {
                Arrays.fill(r.bytes, r.offset, r.offset + (int) (r.pages * PAGE_SIZE), POISON);
                r.reclaimed = true;
            }
        }
    }

    /** After a successful SetVirtualAddressMap the OS runs with its virtual mapping of the runtime ranges. */
    public void switchToVirtual(List<MemoryDescriptor> map) {
        virtualMapping = List.copyOf(map);
        mode = Mode.VIRTUAL;
    }

    public Mode mode() {
        return mode;
    }

    /** The physical address behind a virtual one, in the OS's mapping. */
    public OptionalLong toPhysical(long virtual) {
        for (MemoryDescriptor d : virtualMapping) {
            if (d.containsVirtual(virtual)) {
                return OptionalLong.of(virtual - d.virtualStart() + d.physicalStart());
            }
        }
        return OptionalLong.empty();
    }

    /** The virtual address of a physical one, in the OS's mapping. */
    public OptionalLong toVirtual(long physical) {
        for (MemoryDescriptor d : virtualMapping) {
            if (d.containsPhysical(physical)) {
                return OptionalLong.of(physical - d.physicalStart() + d.virtualStart());
            }
        }
        return OptionalLong.empty();
    }

    // ---- access ----------------------------------------------------------------------------------------------

    /** Reads a UINT64 at an address in the current addressing mode. */
    public long readU64(long address) {
        Located l = locate(address, 8, mode);
        return Bytes.u64(l.region.bytes, l.offset);
    }

    public void writeU64(long address, long value) {
        Located l = locate(address, 8, mode);
        Bytes.put64(l.region.bytes, l.offset, value);
    }

    /** Reads a UINT64 at a physical address, as firmware running before the switch to virtual mode does. */
    public long readU64Physical(long address) {
        Located l = locate(address, 8, Mode.PHYSICAL);
        return Bytes.u64(l.region.bytes, l.offset);
    }

    public void writeU64Physical(long address, long value) {
        Located l = locate(address, 8, Mode.PHYSICAL);
        Bytes.put64(l.region.bytes, l.offset, value);
    }

    /** Reads {@code length} bytes in the current addressing mode. */
    public byte[] read(long address, int length) {
        Located l = locate(address, length, mode);
        return Arrays.copyOfRange(l.region.bytes, l.offset, l.offset + length);
    }

    /** Reads {@code length} bytes at a physical address. */
    public byte[] readPhysical(long address, int length) {
        Located l = locate(address, length, Mode.PHYSICAL);
        return Arrays.copyOfRange(l.region.bytes, l.offset, l.offset + length);
    }

    /** Writes {@code length} bytes of {@code source} from {@code from} at an address in the current addressing mode. */
    public void write(long address, byte[] source, int from, int length) {
        Located l = locate(address, length, mode);
        System.arraycopy(source, from, l.region.bytes, l.offset, length);
    }

    /** Writes bytes at a physical address, as firmware does before the switch to virtual mode. */
    public void writePhysical(long address, byte[] source, int from, int length) {
        Located l = locate(address, length, Mode.PHYSICAL);
        System.arraycopy(source, from, l.region.bytes, l.offset, length);
    }

    /** Reads {@code length} bytes at an address in the current addressing mode into {@code target} at {@code to}. */
    public void read(long address, byte[] target, int to, int length) {
        Located l = locate(address, length, mode);
        System.arraycopy(l.region.bytes, l.offset, target, to, length);
    }

    /**
     * Physically contiguous memory as SMM sees it: {@code length} bytes from {@code offset} in {@code bytes}.
     * Writes into the array are writes to that memory.
     */
    public record Span(byte[] bytes, int offset) {
    }

    /**
     * The bytes at {@code [physical, physical + length)} for code that addresses memory physically and without the
     * DXE model's per-allocation bounds (SMM handling a communicate buffer): inside a bin the span may run from one
     * allocation into the next or into free bin pages; elsewhere it must stay within one allocation's pages.
     *
     * @throws MemoryFault when part of the span is memory the model does not hold (nothing allocated there, or past
     *                     the pages of an allocation outside any bin)
     */
    public Span physicalSpan(long physical, long length) {
        for (Bin bin : bins.values()) {
            if (bin.contains(physical, Math.max(length, 1))) {
                return new Span(bin.bytes, (int) (physical - bin.base));
            }
        }
        Region r = regionAt(physical);
        if (r == null) {
            throw new MemoryFault(wasFreed(physical) ? MemoryFault.Kind.FREED : MemoryFault.Kind.UNMAPPED, physical);
        }
        long offset = physical - r.base;
        if (Long.compareUnsigned(length, r.pages * PAGE_SIZE - offset) > 0) {
            throw new MemoryFault(MemoryFault.Kind.OUT_OF_BOUNDS, physical);
        }
        return new Span(r.bytes, r.offset + (int) offset);
    }

    /** Checks that code at {@code address} can run now (the CPU fetches an instruction there). */
    public void execute(long address) {
        locate(address, 1, mode);
    }

    private record Located(Region region, int offset) {
    }

    private Located locate(long address, int length, Mode as) {
        long physical = address;
        if (as == Mode.VIRTUAL) {
            OptionalLong p = toPhysical(address);
            if (p.isEmpty()) {
                Region r = regionAt(address);
                if (r != null && r.reclaimed) {
                    throw new MemoryFault(MemoryFault.Kind.FREED_AT_EXIT_BOOT_SERVICES, address);
                }
                if (r != null) {
                    throw new MemoryFault(MemoryFault.Kind.NOT_CONVERTED, address);
                }
                throw new MemoryFault(wasFreed(address) ? MemoryFault.Kind.FREED : MemoryFault.Kind.UNMAPPED, address);
            }
            physical = p.getAsLong();
        }
        Region r = regionAt(physical);
        if (r == null) {
            throw new MemoryFault(wasFreed(physical) ? MemoryFault.Kind.FREED : MemoryFault.Kind.UNMAPPED, address);
        }
        if (r.reclaimed) {
            throw new MemoryFault(MemoryFault.Kind.FREED_AT_EXIT_BOOT_SERVICES, address);
        }
        long offset = physical - r.base;
        if (offset + length > r.length) {
            throw new MemoryFault(MemoryFault.Kind.OUT_OF_BOUNDS, address);
        }
        return new Located(r, r.offset + (int) offset);
    }

    private Region regionAt(long physical) {
        Map.Entry<Long, Region> e = regions.floorEntry(physical);
        return e != null && e.getValue().containsPage(physical) ? e.getValue() : null;
    }

    private boolean wasFreed(long physical) {
        Map.Entry<Long, Long> e = freed.floorEntry(physical);
        return e != null && Long.compareUnsigned(physical - e.getKey(), e.getValue()) < 0;
    }
}
