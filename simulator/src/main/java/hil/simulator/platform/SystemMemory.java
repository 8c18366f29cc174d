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
 */
public final class SystemMemory {

    public static final long PAGE_SIZE = 4096;
    /** What boot-services memory holds once the OS has it. */
    public static final byte POISON = (byte) 0xAF;

    static final long RUNTIME_BASE = 0x7F00_0000L;
    static final long BOOT_SERVICES_BASE = 0x4000_0000L;
    static final long OTHER_BASE = 0x1000_0000L;

    /** How the CPU interprets addresses. */
    public enum Mode { PHYSICAL, VIRTUAL }

    private static final class Region {
        final long base;
        final long pages;
        final MemoryType type;
        final String owner;
        final byte[] bytes;
        boolean reclaimed;

        Region(long base, long pages, MemoryType type, String owner, byte[] bytes) {
            this.base = base;
            this.pages = pages;
            this.type = type;
            this.owner = owner;
            this.bytes = bytes;
        }

        boolean containsPage(long address) {
            return Long.compareUnsigned(address - base, pages * PAGE_SIZE) < 0 && Long.compareUnsigned(address, base) >= 0;
        }
    }

    private final TreeMap<Long, Region> regions = new TreeMap<>(Long::compareUnsigned);
    /** Ranges given back with FreePool/FreePages, remembered so that a later access can be named as such. */
    private final TreeMap<Long, Long> freed = new TreeMap<>(Long::compareUnsigned);
    private long nextRuntime = RUNTIME_BASE;
    private long nextBootServices = BOOT_SERVICES_BASE;
    private long nextOther = OTHER_BASE;
    private long mapKey = 1;
    private Mode mode = Mode.PHYSICAL;
    private List<MemoryDescriptor> virtualMapping = List.of();

    // ---- allocation ------------------------------------------------------------------------------------------

    /** AllocatePages(AllocateAnyPages): the physical address of {@code pages} zeroed pages owned by {@code owner}. */
    public long allocatePages(MemoryType type, long pages, String owner) {
        if (pages <= 0 || pages > Integer.MAX_VALUE / PAGE_SIZE) {
            throw new IllegalArgumentException("cannot allocate " + pages + " pages");
        }
        return place(type, pages, owner, new byte[(int) (pages * PAGE_SIZE)]);
    }

    /** AllocatePool: the address of {@code size} zeroed bytes. */
    public long allocatePool(MemoryType type, long size, String owner) {
        if (size < 0 || size > Integer.MAX_VALUE - PAGE_SIZE) {
            throw new IllegalArgumentException("cannot allocate " + size + " bytes");
        }
        return adoptPool(type, new byte[(int) size], owner);
    }

    /**
     * AllocatePool for a buffer whose contents already exist in the model (the runtime communicate buffer): the
     * allocation's bytes are {@code contents} itself, so the address and the model's array are the same memory.
     */
    public long adoptPool(MemoryType type, byte[] contents, String owner) {
        long pages = Math.max(1, (contents.length + PAGE_SIZE - 1) / PAGE_SIZE);
        return place(type, pages, owner, contents);
    }

    private long place(MemoryType type, long pages, String owner, byte[] bytes) {
        long base;
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
        regions.put(base, new Region(base, pages, type, owner, bytes));
        mapKey++;
        return base;
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

    /** GetMemoryMap: one descriptor per allocation, physical order; runtime types carry EFI_MEMORY_RUNTIME. */
    public List<MemoryDescriptor> memoryMap() {
        List<MemoryDescriptor> out = new ArrayList<>();
        for (Region r : regions.values()) {
            if (!r.reclaimed) {
                out.add(MemoryDescriptor.of(r.type, r.base, 0, r.pages,
                        r.type.runtime() ? MemoryDescriptor.EFI_MEMORY_RUNTIME : 0));
            }
        }
        return out;
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
                Arrays.fill(r.bytes, POISON);
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
        if (offset + length > r.bytes.length) {
            throw new MemoryFault(MemoryFault.Kind.OUT_OF_BOUNDS, address);
        }
        return new Located(r, (int) offset);
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
