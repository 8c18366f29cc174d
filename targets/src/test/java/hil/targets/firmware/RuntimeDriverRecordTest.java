package hil.targets.firmware;

import hil.targets.RuntimeDrivers.Conversion;
import hil.targets.RuntimeDrivers.DriverSpec;
import hil.targets.RuntimeDrivers.Notify;
import hil.targets.RuntimeDrivers.Placement;
import hil.targets.RuntimeDrivers.Pointer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RuntimeDriverRecordTest {

    @Test
    void optionsCarryEveryPartOfTheDefinitionInTheImagesSyntax() {
        DriverSpec spec = new DriverSpec("Leaky", false,
                List.of(new Pointer("mRuntime", Placement.RUNTIME), new Pointer("gBoot", Placement.BOOT_SERVICES),
                        new Pointer("mCache", Placement.NULL)),
                List.of(new Conversion("mRuntime", false), new Conversion("mCache", true)),
                List.of(new Notify("ExitBootServices", 16)), false);
        assertEquals("name=Leaky ptr=mRuntime:rt ptr=gBoot:bs ptr=mCache:null conv=mRuntime conv=mCache:opt"
                        + " notify=ExitBootServices:27abf055-b1b8-4c26-8048-748f37baa2df:16 leave-open",
                RuntimeDriverRecord.options(spec));
    }

    @Test
    void optionsRefuseWhatTheImageCannotTake() {
        assertThrows(IllegalArgumentException.class, () -> RuntimeDriverRecord.options(
                new DriverSpec("two words", false, List.of(), List.of(), List.of(), true)));
        assertThrows(IllegalArgumentException.class, () -> RuntimeDriverRecord.options(
                new DriverSpec("HilRtHub", false, List.of(), List.of(), List.of(), true)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RuntimeDriverRecord.options(
                new DriverSpec("D", false, List.of(new Pointer("a", Placement.RUNTIME)),
                        List.of(new Conversion("b", false)), List.of(), true)));
        assertTrue(e.getMessage().contains("\"b\""), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RuntimeDriverRecord.options(
                new DriverSpec("D", false, List.of(), List.of(), List.of(new Notify("NoSuchGroup", 8)), true)));
    }

    /** A record as the hub wrote it in a boot on OVMF (two drivers, Linux's ExitBootServices and SVAM). */
    private static final String RECORD = String.join("\n",
            "load HilRtHub EfiRuntimeServicesCode",
            "event HilRtHub VirtualAddressChange TPL_NOTIFY 0x0 harness",
            "load Leaky EfiRuntimeServicesCode",
            "event Leaky VirtualAddressChange TPL_NOTIFY 0x0",
            "load BsDriver EfiBootServicesCode",
            "event BsDriver VirtualAddressChange TPL_NOTIFY 0x0",
            "used-at-exit Leaky fault gBoot points into boot-services memory freed at ExitBootServices",
            "attributes-table entries 40 -> 44",
            "notify Leaky VirtualAddressChange TPL_NOTIFY",
            "convert Leaky mRuntime - 0x0",
            "convert Leaky gBoot - 0x800000000000000e",
            "convert Leaky mCache opt 0x0",
            "notify BsDriver VirtualAddressChange TPL_NOTIFY",
            "fault BsDriver the VirtualAddressChange notify function points into boot-services memory freed at"
                    + " ExitBootServices",
            "unload Tidy closed 0x0 open 0",
            "");

    @Test
    void theRecordIsReadBackPerDriver() {
        RuntimeDriverRecord r = RuntimeDriverRecord.parse(RECORD);
        assertEquals("EfiBootServicesCode", r.imageType("BsDriver"));
        assertEquals(List.of("EFI_SUCCESS VirtualAddressChange at TPL_NOTIFY"), r.createdEvents("Leaky"));
        assertEquals(List.of("mRuntime -> EFI_SUCCESS", "gBoot -> EFI_NOT_FOUND", "mCache EFI_OPTIONAL_PTR -> EFI_SUCCESS"),
                r.conversions("Leaky"));
        assertEquals(List.of("fault gBoot points into boot-services memory freed at ExitBootServices"),
                r.usedAtExit("Leaky"));
        assertEquals(List.of("Leaky VirtualAddressChange at TPL_NOTIFY", "BsDriver VirtualAddressChange at TPL_NOTIFY"),
                r.notifications());
        assertEquals(List.of("BsDriver: the VirtualAddressChange notify function points into boot-services memory"
                + " freed at ExitBootServices"), r.faults());
        assertEquals(OptionalLong.of(0), r.openAfterUnload("Tidy"));
        assertEquals(OptionalLong.empty(), r.openAfterUnload("Leaky"));
    }

    @Test
    void aDriverWhoseNameStartsLikeAnotherIsNotMixedUp() {
        RuntimeDriverRecord r = RuntimeDriverRecord.parse("convert Early mBuffer - 0x0\nconvert EarlyLate mX - 0x0\n");
        assertEquals(List.of("mBuffer -> EFI_SUCCESS"), r.conversions("Early"));
    }

    @Test
    void anEventGroupIsReadInMemoryOrder() {
        assertEquals("27ABF055-B1B8-4C26-8048-748F37BAA2DF",
                RuntimeDriverRecord.guidFromBytes("55f0ab27b8b1264c8048748f37baa2df").toString().toUpperCase());
        assertEquals(null, RuntimeDriverRecord.guidFromBytes("00000000000000000000000000000000"));
        assertThrows(IllegalArgumentException.class, () -> RuntimeDriverRecord.guidFromBytes("00"));
    }

    @Test
    void aMalformedLineIsAnError() {
        assertThrows(IllegalArgumentException.class,
                () -> RuntimeDriverRecord.parse("convert Leaky gBoot 0x0\n").conversions("Leaky"));
        assertThrows(IllegalArgumentException.class,
                () -> RuntimeDriverRecord.parse("notify Leaky ExitBootServices\n").notifications());
    }
}
