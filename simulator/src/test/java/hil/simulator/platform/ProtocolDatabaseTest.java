package hil.simulator.platform;

import hil.simulator.uefi.EfiGuid;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ProtocolDatabaseTest {

    private final ProtocolDatabase db = new ProtocolDatabase();
    private final List<String> ran = new ArrayList<>();

    @Test
    void aNotificationRunsWhenItsProtocolIsInstalled() {
        db.registerProtocolNotify(EfiGuid.SMM_VARIABLE_PROTOCOL, () -> ran.add("ready"));
        db.registerProtocolNotify(EfiGuid.SMM_VARIABLE_WRITE, () -> ran.add("write ready"));

        db.install(EfiGuid.SMM_VARIABLE_PROTOCOL, 0);

        assertEquals(List.of("ready"), ran);
    }

    @Test
    void aNotificationRegisteredAfterTheInstallRunsAtOnce() {
        db.install(EfiGuid.SMM_VARIABLE_PROTOCOL, 0);

        db.registerProtocolNotify(EfiGuid.SMM_VARIABLE_PROTOCOL, () -> ran.add("ready"));

        assertEquals(List.of("ready"), ran);
    }

    @Test
    void protocolsAreListedInInstallationOrderByName() {
        db.install(EfiGuid.VARIABLE_WRITE_ARCH_PROTOCOL, 0);
        db.install(EfiGuid.VARIABLE_ARCH_PROTOCOL, 0x1000);

        assertEquals(List.of("gEfiVariableWriteArchProtocolGuid", "gEfiVariableArchProtocolGuid"),
                db.installedInOrder().stream().map(ProtocolDatabase::name).toList());
        assertEquals(0x1000, db.locate(EfiGuid.VARIABLE_ARCH_PROTOCOL).orElseThrow());
    }

    @Test
    void aSecondInstallOfTheSameProtocolIsAHarnessError() {
        db.install(EfiGuid.VARIABLE_ARCH_PROTOCOL, 0);
        assertThrows(IllegalStateException.class, () -> db.install(EfiGuid.VARIABLE_ARCH_PROTOCOL, 0));
    }
}
