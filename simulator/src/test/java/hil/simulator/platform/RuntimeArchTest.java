package hil.simulator.platform;

import hil.simulator.uefi.EfiStatus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SetVirtualAddressMap and ConvertPointer as EDK II's RuntimeDxe (reference 6.4, 6.5, 8.19). */
class RuntimeArchTest {

    private static final long OFFSET = 0xFFFF800000000000L;

    private final DxeCore dxe = new DxeCore();
    private final SystemMemory memory = dxe.memory();
    private final RuntimeArch runtime = dxe.runtime();
    private final LoadedImage driver = dxe.loadImage("Driver", MemoryType.RUNTIME_SERVICES_CODE);

    private void exitBootServices() {
        assertEquals(EfiStatus.SUCCESS, dxe.exitBootServices(memory.mapKey()));
    }

    private EfiStatus setVirtualAddressMap(long descriptorSize, long version) {
        byte[] map = MemoryDescriptor.encode(memory.virtualMap(OFFSET), (int) Math.max(descriptorSize, 40));
        return runtime.setVirtualAddressMap(map.length, descriptorSize, version, map);
    }

    private EfiStatus setVirtualAddressMap() {
        return setVirtualAddressMap(MemoryDescriptor.EDK2_DESCRIPTOR_SIZE, MemoryDescriptor.VERSION);
    }

    @Nested
    @DisplayName("SetVirtualAddressMap")
    class SetVirtualAddressMap {

        @Test
        void beforeExitBootServicesItIsUnsupported() {
            assertEquals(EfiStatus.UNSUPPORTED, setVirtualAddressMap());
            assertFalse(runtime.virtualMode());
        }

        @Test
        void aMapIsAppliedOnlyOnce() {
            exitBootServices();
            assertEquals(EfiStatus.SUCCESS, setVirtualAddressMap());
            assertEquals(EfiStatus.UNSUPPORTED, setVirtualAddressMap());
            assertEquals(SystemMemory.Mode.VIRTUAL, memory.mode());
        }

        @Test
        @DisplayName("A DescriptorVersion other than 1 or a DescriptorSize below 40 is INVALID_PARAMETER and leaves physical mode")
        void badDescriptorsAreInvalidAndDoNotUseUpTheCall() {
            exitBootServices();
            assertEquals(EfiStatus.INVALID_PARAMETER, setVirtualAddressMap(48, 2));
            assertEquals(EfiStatus.INVALID_PARAMETER, setVirtualAddressMap(48, 0));
            assertEquals(EfiStatus.INVALID_PARAMETER, setVirtualAddressMap(39, 1));
            assertFalse(runtime.virtualMode());
            assertEquals(EfiStatus.SUCCESS, setVirtualAddressMap(40, 1), "a 40-byte stride is valid");
        }

        @Test
        @DisplayName("The VirtualAddressChange events run synchronously in creation order, whatever their TPL")
        void virtualAddressChangeEventsRunInListOrder() {
            List<String> ran = new ArrayList<>();
            EventServices events = dxe.events();
            events.createEvent(EventTypes.EVT_SIGNAL_VIRTUAL_ADDRESS_CHANGE, Tpl.CALLBACK, e -> ran.add("callback"),
                    driver, driver.entryPoint(1));
            events.createEvent(EventTypes.EVT_SIGNAL_VIRTUAL_ADDRESS_CHANGE, Tpl.NOTIFY, e -> ran.add("notify"),
                    driver, driver.entryPoint(2));
            EfiEvent closed = events.createEventEx(EventTypes.EVT_NOTIFY_SIGNAL, Tpl.NOTIFY, e -> ran.add("closed"),
                    EventGroups.VIRTUAL_ADDRESS_CHANGE, driver, driver.entryPoint(3)).event();
            events.closeEvent(closed);
            exitBootServices();

            setVirtualAddressMap();

            assertEquals(List.of("callback", "notify"), ran);
        }

        @Test
        void theNotifyFunctionsRunInPhysicalModeAndVirtualModeStartsAfterTheCall() {
            List<SystemMemory.Mode> modes = new ArrayList<>();
            dxe.events().createEvent(EventTypes.EVT_SIGNAL_VIRTUAL_ADDRESS_CHANGE, Tpl.NOTIFY,
                    e -> modes.add(memory.mode()), driver, driver.entryPoint(1));
            exitBootServices();

            setVirtualAddressMap();

            assertEquals(List.of(SystemMemory.Mode.PHYSICAL), modes);
            assertEquals(SystemMemory.Mode.VIRTUAL, memory.mode());
        }

        @Test
        void runtimeImagesAreRelocated() {
            exitBootServices();
            setVirtualAddressMap();
            assertEquals(driver.base() + OFFSET, driver.virtualBase().orElseThrow());
        }

        @Test
        @DisplayName("Every gRT entry is converted except SetVirtualAddressMap and ConvertPointer, and the CRC is recomputed")
        void runtimeServicesAreConverted() {
            RuntimeServicesTable grt = dxe.runtimeServices();
            grt.install(RuntimeServicesTable.Service.GET_VARIABLE, driver.entryPoint(4));
            long svam = grt.entry(RuntimeServicesTable.Service.SET_VIRTUAL_ADDRESS_MAP);
            long crc = grt.crc32();
            exitBootServices();

            setVirtualAddressMap();

            assertEquals(driver.entryPoint(4) + OFFSET, grt.entry(RuntimeServicesTable.Service.GET_VARIABLE));
            assertEquals(svam, grt.entry(RuntimeServicesTable.Service.SET_VIRTUAL_ADDRESS_MAP));
            assertTrue(grt.placeholder(RuntimeServicesTable.Service.GET_TIME),
                    "a placeholder in boot-services code is not in the map and stays as it is");
            assertFalse(crc == grt.crc32());
        }
    }

    @Nested
    @DisplayName("ConvertPointer")
    class ConvertPointer {

        private long slot(long value) {
            long slot = driver.global(0);
            memory.writeU64Physical(slot, value);
            return slot;
        }

        /** Runs {@code body} inside a SetVirtualAddressMap call, as a VirtualAddressChange notify function. */
        private void duringSetVirtualAddressMap(Runnable body) {
            dxe.events().createEvent(EventTypes.EVT_SIGNAL_VIRTUAL_ADDRESS_CHANGE, Tpl.NOTIFY, e -> body.run(), driver,
                    driver.entryPoint(1));
            exitBootServices();
            assertEquals(EfiStatus.SUCCESS, setVirtualAddressMap());
        }

        @Test
        void aPointerIntoRuntimeMemoryIsConverted() {
            long buffer = memory.allocatePool(MemoryType.RUNTIME_SERVICES_DATA, 32, "buffer");
            long slot = slot(buffer + 8);
            List<EfiStatus> status = new ArrayList<>();

            duringSetVirtualAddressMap(() -> status.add(runtime.convertPointer(0, slot)));

            assertEquals(List.of(EfiStatus.SUCCESS), status);
            assertEquals(buffer + 8 + OFFSET, memory.readU64Physical(slot));
        }

        @Test
        void aPointerIntoBootServicesMemoryIsNotFoundAndLeftAlone() {
            long buffer = memory.allocatePool(MemoryType.BOOT_SERVICES_DATA, 32, "buffer");
            long slot = slot(buffer);
            List<EfiStatus> status = new ArrayList<>();

            duringSetVirtualAddressMap(() -> status.add(runtime.convertPointer(0, slot)));

            assertEquals(List.of(EfiStatus.NOT_FOUND), status);
            assertEquals(buffer, memory.readU64Physical(slot));
        }

        @Test
        @DisplayName("A NULL pointer converts only with EFI_OPTIONAL_PTR; a NULL Address is always INVALID_PARAMETER")
        void nullPointers() {
            long slot = slot(0);
            List<EfiStatus> status = new ArrayList<>();

            duringSetVirtualAddressMap(() -> {
                status.add(runtime.convertPointer(RuntimeArch.EFI_OPTIONAL_PTR, slot));
                status.add(runtime.convertPointer(0, slot));
                status.add(runtime.convertPointer(RuntimeArch.EFI_OPTIONAL_PTR, 0));
            });

            assertEquals(List.of(EfiStatus.SUCCESS, EfiStatus.INVALID_PARAMETER, EfiStatus.INVALID_PARAMETER), status);
            assertEquals(0, memory.readU64Physical(slot));
        }

        @Test
        void outsideSetVirtualAddressMapNothingIsFound() {
            long buffer = memory.allocatePool(MemoryType.RUNTIME_SERVICES_DATA, 32, "buffer");
            long slot = slot(buffer);

            assertEquals(EfiStatus.NOT_FOUND, runtime.convertPointer(0, slot), "at boot time");
            exitBootServices();
            setVirtualAddressMap();
            assertEquals(EfiStatus.NOT_FOUND, runtime.convertPointer(0, slot), "after the call: the map is forgotten");
            assertEquals(EfiStatus.SUCCESS, runtime.convertPointer(RuntimeArch.EFI_OPTIONAL_PTR, slot(0)),
                    "the NULL checks come first");
        }

        @Test
        void aRangeTheMapLeavesOutIsNotFound() {
            long buffer = memory.allocatePool(MemoryType.RUNTIME_SERVICES_DATA, 32, "buffer");
            long slot = slot(buffer);
            List<EfiStatus> status = new ArrayList<>();
            dxe.events().createEvent(EventTypes.EVT_SIGNAL_VIRTUAL_ADDRESS_CHANGE, Tpl.NOTIFY,
                    e -> status.add(runtime.convertPointer(0, slot)), driver, driver.entryPoint(1));
            exitBootServices();
            List<MemoryDescriptor> map = memory.virtualMap(OFFSET).stream()
                    .filter(d -> !d.containsPhysical(buffer)).toList();
            byte[] bytes = MemoryDescriptor.encode(map, 48);

            assertEquals(EfiStatus.SUCCESS, runtime.setVirtualAddressMap(bytes.length, 48, 1, bytes),
                    "EDK II does not check that every runtime range has a mapping");
            assertEquals(List.of(EfiStatus.NOT_FOUND), status);
        }
    }
}
