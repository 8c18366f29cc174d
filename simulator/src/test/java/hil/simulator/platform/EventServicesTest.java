package hil.simulator.platform;

import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CreateEvent/CreateEventEx, CloseEvent and group notification order as EDK II's Event.c (reference 6.1). */
class EventServicesTest {

    private static final EfiGuid CUSTOM_GROUP = EfiGuid.parse("11111111-2222-3333-4444-555555555555");

    private final DxeCore dxe = new DxeCore();
    private final EventServices events = dxe.events();
    private final LoadedImage driver = dxe.loadImage("Driver", MemoryType.RUNTIME_SERVICES_CODE);
    private final List<String> ran = new ArrayList<>();
    private int entry = 1;

    private EventServices.Created create(int type, long tpl, EfiGuid group, String label) {
        NotifyFunction notify = e -> ran.add(label);
        return group == null
                ? events.createEvent(type, tpl, notify, driver, driver.entryPoint(entry++))
                : events.createEventEx(type, tpl, notify, group, driver, driver.entryPoint(entry++));
    }

    @Nested
    @DisplayName("accepted types")
    class Types {

        @ParameterizedTest(name = "type 0x{0} is accepted")
        @ValueSource(strings = {"80000200", "00000200", "00000201", "60000202"})
        void everyAcceptedNotifySignalTypeCreatesAnEvent(String hex) {
            int type = Integer.parseUnsignedInt(hex, 16);
            assertEquals(EfiStatus.SUCCESS, create(type, Tpl.NOTIFY, null, "e").status());
        }

        @ParameterizedTest(name = "type 0x{0} is INVALID_PARAMETER")
        @ValueSource(strings = {"00000202", "40000200", "60000200", "20000202", "00000300", "80000201", "00000001"})
        void anyOtherTypeIsInvalid(String hex) {
            int type = Integer.parseUnsignedInt(hex, 16);
            EventServices.Created c = create(type, Tpl.NOTIFY, null, "e");
            assertEquals(EfiStatus.INVALID_PARAMETER, c.status());
            assertNull(c.event());
        }

        @Test
        void anEventWithoutNotificationIgnoresTheTplAndTheFunction() {
            EventServices.Created c = events.createEvent(0, Tpl.HIGH_LEVEL, null, driver, driver.entryPoint(9));
            assertEquals(EfiStatus.SUCCESS, c.status());
            assertEquals(0, c.event().notifyTpl());
        }
    }

    @Nested
    @DisplayName("event groups")
    class Groups {

        @Test
        void createEventExInTheExitBootServicesGroupBecomesTypeSignalExitBootServices() {
            EfiEvent e = create(EventTypes.EVT_NOTIFY_SIGNAL, Tpl.NOTIFY, EventGroups.EXIT_BOOT_SERVICES, "e").event();
            assertEquals(0x201, e.type());
        }

        @Test
        void createEventExInTheVirtualAddressChangeGroupBecomesARuntimeEvent() {
            EfiEvent e = create(EventTypes.EVT_NOTIFY_SIGNAL, Tpl.NOTIFY, EventGroups.VIRTUAL_ADDRESS_CHANGE, "e").event();
            assertEquals(0x60000202, e.type());
            assertEquals(List.of(e), events.runtimeEvents());
            assertEquals(MemoryType.RUNTIME_SERVICES_DATA, dxe.memory().typeAt(e.structure()).orElseThrow());
        }

        @Test
        void createEventOfTheSpecialTypesJoinsTheirGroups() {
            assertEquals(EventGroups.EXIT_BOOT_SERVICES,
                    create(EventTypes.EVT_SIGNAL_EXIT_BOOT_SERVICES, Tpl.CALLBACK, null, "e").event().group());
            assertEquals(EventGroups.VIRTUAL_ADDRESS_CHANGE,
                    create(EventTypes.EVT_SIGNAL_VIRTUAL_ADDRESS_CHANGE, Tpl.CALLBACK, null, "e").event().group());
        }

        @Test
        void theSpecialTypesTogetherWithAGroupAreInvalid() {
            assertEquals(EfiStatus.INVALID_PARAMETER,
                    create(EventTypes.EVT_SIGNAL_EXIT_BOOT_SERVICES, Tpl.NOTIFY, CUSTOM_GROUP, "e").status());
            assertEquals(EfiStatus.INVALID_PARAMETER,
                    create(EventTypes.EVT_SIGNAL_VIRTUAL_ADDRESS_CHANGE, Tpl.NOTIFY, EventGroups.VIRTUAL_ADDRESS_CHANGE, "e").status());
        }

        @Test
        void aBootServicesEventIsNotOnTheRuntimeList() {
            EfiEvent e = create(EventTypes.EVT_NOTIFY_SIGNAL, Tpl.NOTIFY, EventGroups.EXIT_BOOT_SERVICES, "e").event();
            assertEquals(List.of(), events.runtimeEvents());
            assertEquals(MemoryType.BOOT_SERVICES_DATA, dxe.memory().typeAt(e.structure()).orElseThrow());
        }
    }

    @Nested
    @DisplayName("NotifyTpl")
    class NotifyTpl {

        @ParameterizedTest(name = "TPL {0} is INVALID_PARAMETER for a notify event")
        @ValueSource(longs = {0, 4, 9, 30, 31, 32})
        void onlyCallbackAndNotifyAreAcceptedForNotifyEvents(long tpl) {
            assertEquals(EfiStatus.INVALID_PARAMETER, create(EventTypes.EVT_NOTIFY_SIGNAL, tpl, null, "e").status());
        }

        @Test
        void callbackAndNotifyAreAccepted() {
            assertEquals(EfiStatus.SUCCESS, create(EventTypes.EVT_NOTIFY_SIGNAL, Tpl.CALLBACK, null, "e").status());
            assertEquals(EfiStatus.SUCCESS, create(EventTypes.EVT_NOTIFY_WAIT, Tpl.NOTIFY, null, "e").status());
        }

        @Test
        void aNotifyEventWithoutANotifyFunctionIsInvalid() {
            assertEquals(EfiStatus.INVALID_PARAMETER,
                    events.createEvent(EventTypes.EVT_NOTIFY_SIGNAL, Tpl.NOTIFY, null, driver, driver.entryPoint(5)).status());
        }
    }

    @Nested
    @DisplayName("notification order")
    class Order {

        @Test
        @DisplayName("A signalled group runs higher TPLs first and, within a TPL, the newest member first")
        void higherTplFirstThenNewestFirst() {
            create(EventTypes.EVT_NOTIFY_SIGNAL, Tpl.CALLBACK, CUSTOM_GROUP, "callback-1");
            create(EventTypes.EVT_NOTIFY_SIGNAL, Tpl.NOTIFY, CUSTOM_GROUP, "notify-1");
            create(EventTypes.EVT_NOTIFY_SIGNAL, Tpl.CALLBACK, CUSTOM_GROUP, "callback-2");
            create(EventTypes.EVT_NOTIFY_SIGNAL, Tpl.NOTIFY, CUSTOM_GROUP, "notify-2");
            create(EventTypes.EVT_NOTIFY_SIGNAL, Tpl.NOTIFY, EventGroups.READY_TO_BOOT, "other group");

            events.signalGroup(CUSTOM_GROUP);

            assertEquals(List.of("notify-2", "notify-1", "callback-2", "callback-1"), ran);
        }

        @Test
        void signallingOneMemberOfAGroupNotifiesTheWholeGroup() {
            EfiEvent first = create(EventTypes.EVT_NOTIFY_SIGNAL, Tpl.CALLBACK, CUSTOM_GROUP, "a").event();
            create(EventTypes.EVT_NOTIFY_SIGNAL, Tpl.CALLBACK, CUSTOM_GROUP, "b");

            assertEquals(EfiStatus.SUCCESS, events.signalEvent(first));

            assertEquals(List.of("b", "a"), ran);
        }

        @Test
        void theNotificationsAreRecordedWithOwnerGroupAndTpl() {
            create(EventTypes.EVT_NOTIFY_SIGNAL, Tpl.CALLBACK, EventGroups.READY_TO_BOOT, "a");

            events.signalGroup(EventGroups.READY_TO_BOOT);

            assertEquals(List.of(new EventServices.Notification("Driver", "ReadyToBoot", Tpl.CALLBACK)),
                    events.notifications());
        }
    }

    @Nested
    @DisplayName("CloseEvent")
    class Close {

        @Test
        void aClosedEventIsNoLongerNotified() {
            EfiEvent e = create(EventTypes.EVT_NOTIFY_SIGNAL, Tpl.NOTIFY, CUSTOM_GROUP, "closed").event();
            create(EventTypes.EVT_NOTIFY_SIGNAL, Tpl.NOTIFY, CUSTOM_GROUP, "open");

            assertEquals(EfiStatus.SUCCESS, events.closeEvent(e));
            events.signalGroup(CUSTOM_GROUP);

            assertEquals(List.of("open"), ran);
            assertTrue(e.closed());
        }

        @Test
        void closingARuntimeEventTakesItOffTheRuntimeListAndFreesIt() {
            EfiEvent e = create(EventTypes.EVT_SIGNAL_VIRTUAL_ADDRESS_CHANGE, Tpl.NOTIFY, null, "va").event();

            events.closeEvent(e);

            assertEquals(List.of(), events.runtimeEvents());
            assertFalse(dxe.memory().typeAt(e.structure()).isPresent());
        }

        @Test
        void closingTwiceOrNullIsInvalid() {
            EfiEvent e = create(EventTypes.EVT_NOTIFY_SIGNAL, Tpl.NOTIFY, null, "e").event();
            events.closeEvent(e);
            assertEquals(EfiStatus.INVALID_PARAMETER, events.closeEvent(e));
            assertEquals(EfiStatus.INVALID_PARAMETER, events.closeEvent(null));
            assertEquals(EfiStatus.INVALID_PARAMETER, events.signalEvent(e));
        }

        @Test
        void aNotifyFunctionThatClosesALaterQueuedMemberStopsItsNotification() {
            List<EfiEvent> later = new ArrayList<>();
            later.add(create(EventTypes.EVT_NOTIFY_SIGNAL, Tpl.CALLBACK, CUSTOM_GROUP, "victim").event());
            events.createEventEx(EventTypes.EVT_NOTIFY_SIGNAL, Tpl.NOTIFY, e -> {
                ran.add("closer");
                events.closeEvent(later.get(0));
            }, CUSTOM_GROUP, driver, driver.entryPoint(20));

            events.signalGroup(CUSTOM_GROUP);

            assertEquals(List.of("closer"), ran);
        }
    }

    @Test
    @DisplayName("A notify function whose code was freed is not run; the fault names the group")
    void aNotifyInFreedCodeIsReportedNotRun() {
        LoadedImage gone = dxe.loadImage("Gone", MemoryType.RUNTIME_SERVICES_CODE);
        events.createEventEx(EventTypes.EVT_NOTIFY_SIGNAL, Tpl.NOTIFY, e -> ran.add("gone"), CUSTOM_GROUP, gone,
                gone.entryPoint(1));
        dxe.memory().free(gone.base());

        events.signalGroup(CUSTOM_GROUP);

        assertEquals(List.of(), ran);
        String group = CUSTOM_GROUP.toString();
        assertEquals(List.of(new RuntimeFault("Gone", "the " + group + " notify function points into freed memory")),
                dxe.faults());
    }
}
