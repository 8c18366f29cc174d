package hil.simulator.platform;

import hil.simulator.platform.RuntimeServicesTable.Service;
import hil.simulator.uefi.Bytes;
import org.junit.jupiter.api.Test;

import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** gRT in memory: EFI_RUNTIME_SERVICES layout, placeholders and the header CRC. */
class RuntimeServicesTableTest {

    private final DxeCore dxe = new DxeCore();
    private final RuntimeServicesTable grt = dxe.runtimeServices();

    @Test
    void theTableHasTheSpecificationLayout() {
        assertEquals(0x88, RuntimeServicesTable.SIZE);
        assertEquals(0x18, Service.GET_TIME.offset());
        assertEquals(0x38, Service.SET_VIRTUAL_ADDRESS_MAP.offset());
        assertEquals(0x48, Service.GET_VARIABLE.offset());
        assertEquals(0x58, Service.SET_VARIABLE.offset());
        assertEquals(0x80, Service.QUERY_VARIABLE_INFO.offset());
        byte[] table = dxe.memory().readPhysical(grt.address(), RuntimeServicesTable.SIZE);
        assertEquals(RuntimeServicesTable.SIGNATURE, Bytes.u64(table, 0), "RUNTSERV");
        assertEquals(0x88, Bytes.u32(table, 12), "HeaderSize");
    }

    @Test
    void theTableIsRuntimeData() {
        assertEquals(MemoryType.RUNTIME_SERVICES_DATA, dxe.memory().typeAt(grt.address()).orElseThrow());
    }

    @Test
    void variableServicesStartAsTheDxeCorePlaceholdersInBootServicesCode() {
        assertTrue(grt.placeholder(Service.GET_VARIABLE));
        assertEquals(MemoryType.BOOT_SERVICES_CODE, dxe.memory().typeAt(grt.entry(Service.GET_VARIABLE)).orElseThrow());
        assertFalse(grt.placeholder(Service.CONVERT_POINTER), "the Runtime driver installs its own two services");
    }

    @Test
    void theCrcCoversTheHeaderSizeWithTheCrcFieldZero() {
        LoadedImage driver = dxe.loadImage("Driver", MemoryType.RUNTIME_SERVICES_CODE);
        grt.install(Service.SET_VARIABLE, driver.entryPoint(3));

        byte[] table = dxe.memory().readPhysical(grt.address(), RuntimeServicesTable.SIZE);
        Bytes.put32(table, 16, 0);
        CRC32 crc = new CRC32();
        crc.update(table);
        assertEquals(crc.getValue(), grt.crc32());
        assertFalse(grt.placeholder(Service.SET_VARIABLE));
    }
}
