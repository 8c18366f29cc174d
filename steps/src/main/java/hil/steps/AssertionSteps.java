package hil.steps;

import hil.reports.model.Observation;
import hil.reports.model.Observation.Keys;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import hil.targets.VariableServices;
import hil.targets.firmware.LinuxErrno;
import hil.targets.firmware.ShellStatus;
import io.cucumber.java.en.Then;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Assertions. "The status", "the data", "the attributes", "the data size" and "the returned name" refer to the most
 * recent variable-service call of a {@code When} step; the "variable … holds / does not exist" checks make a
 * GetVariable call of their own, which is recorded but does not replace that most recent call.
 */
public final class AssertionSteps {

    private final ScenarioState state;

    public AssertionSteps(ScenarioState state) {
        this.state = state;
    }

    private String status(Observation o) {
        if (o.status() == null) {
            throw new AssertionError(o.operation() + " returned no status on target " + state.targetName()
                    + (o.outputs().containsKey("powerLost") ? ": the power failed during the call" : ""));
        }
        return o.status();
    }

    private String output(String key, String what) {
        Observation o = state.lastCall();
        String v = o.outputs().get(key);
        if (v == null) {
            throw new AssertionError("the last call (" + o.operation() + ", " + o.status() + ") returned no " + what);
        }
        return v;
    }

    /**
     * For an observation that has no exact status but a status class (the errno an OS saw, or the UEFI Shell's
     * status): ends the step as not observable when one of {@code expected} gives that class, fails it when none
     * can. Does nothing for an observation with an exact status.
     */
    private void checkStatusClass(Observation o, EfiStatus... expected) {
        String statusClass = o.outputs().get(Keys.STATUS_CLASS);
        if (o.status() != null || statusClass == null) {
            return;
        }
        if (ShellStatus.isStatusClass(statusClass)) {
            checkShellStatus(o, statusClass, expected);
            return;
        }
        java.util.Optional<String> first = LinuxErrno.precedingCall(o);
        if (first.isPresent() && !statusClass.equals(LinuxErrno.OK)) {
            throw state.notObservable("before a non-volatile " + o.operation() + " the OS calls " + first.get()
                    + " and reports its error instead; errno " + statusClass + " may be that call's answer, so "
                    + o.operation() + "'s own status cannot be observed");
        }
        for (EfiStatus e : expected) {
            if (LinuxErrno.statusClass(o.operation(), e).equals(statusClass)) {
                throw state.notObservable(LinuxErrno.ambiguity(o.operation(), statusClass, e));
            }
        }
        StringBuilder gives = new StringBuilder();
        for (EfiStatus e : expected) {
            gives.append(gives.length() == 0 ? "" : ", ").append(e.efiName()).append(" gives ")
                    .append(LinuxErrno.statusClass(o.operation(), e));
        }
        throw new AssertionError(o.operation() + " gave errno " + LinuxErrno.describe(statusClass)
                + ", which no expected status produces (" + gives + "; inputs " + brief(o.inputs()) + ")");
    }

    /**
     * A Shell command that failed made a call the firmware did not answer with EFI_SUCCESS (its commands are
     * typed well-formed, so only the call can fail them), but which error it returned cannot be seen: the Shell
     * reports its own status. The step fails when only success was expected, and is not observable otherwise.
     */
    private void checkShellStatus(Observation o, String statusClass, EfiStatus... expected) {
        boolean errorExpected = java.util.Arrays.stream(expected).anyMatch(e -> e != EfiStatus.SUCCESS);
        String shellStatus = ShellStatus.nameOfHex(o.outputs().getOrDefault(ShellStatus.OUTPUT, ""));
        if (!errorExpected) {
            throw new AssertionError(o.operation() + " failed through the UEFI Shell with " + shellStatus
                    + ", expected EFI_SUCCESS (inputs " + brief(o.inputs()) + ")");
        }
        throw state.notObservable("the UEFI Shell reports " + shellStatus + " (" + statusClass + ") for "
                + o.operation() + ", not the EFI status the firmware returned, so "
                + java.util.Arrays.stream(expected).map(EfiStatus::efiName)
                .collect(java.util.stream.Collectors.joining(" or ")) + " cannot be told from other errors");
    }


    @Then("the status is {status}")
    public void statusIs(EfiStatus expected) {
        Observation o = state.lastCall();
        checkStatusClass(o, expected);
        String actual = status(o);
        if (!actual.equals(expected.efiName())) {
            throw new AssertionError(o.operation() + " returned " + actual + ", expected " + expected.efiName()
                    + " (inputs " + brief(o.inputs()) + ")");
        }
    }

    /** The inputs with long byte strings cut, for one-line messages. */
    private static String brief(java.util.Map<String, String> inputs) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        inputs.forEach((k, v) -> out.put(k, v.length() > 64 ? v.substring(0, 64) + "… (" + v.length() / 2 + " bytes)" : v));
        return out.toString();
    }

    @Then("the status is {status} or {status}")
    public void statusIsEither(EfiStatus first, EfiStatus second) {
        Observation o = state.lastCall();
        checkStatusClass(o, first, second);
        String actual = status(o);
        if (!actual.equals(first.efiName()) && !actual.equals(second.efiName())) {
            throw new AssertionError(o.operation() + " returned " + actual + ", expected " + first.efiName() + " or "
                    + second.efiName() + " (inputs " + brief(o.inputs()) + ")");
        }
    }

    @Then("the data is {data}")
    public void dataIs(DataSpec expected) {
        String actual = output(Keys.DATA, "data");
        if (!actual.equals(Bytes.hex(expected.bytes()))) {
            throw new AssertionError("the data is " + preview(actual) + ", expected " + expected);
        }
    }

    @Then("the data size is {size}")
    public void dataSizeIs(Long expected) {
        long actual = Long.parseLong(output(Keys.DATA_SIZE, "DataSize"));
        if (actual != expected) {
            throw new AssertionError("the data size is " + actual + ", expected " + expected);
        }
    }

    @Then("the attributes are {attrs}")
    public void attributesAre(Integer expected) {
        String actual = output(Keys.ATTRIBUTES, "attributes");
        if (ParameterTypes.parseAttributes(actual.replace(" ", "")) != expected) {
            throw new AssertionError("the attributes are " + actual + ", expected " + Attributes.format(expected & 0xFFFFFFFFL));
        }
    }

    @Then("the returned name is {name} of vendor {vendor}")
    public void returnedNameIs(String name, VendorRef vendor) {
        EfiGuid guid = state.resolve(vendor);
        String actualName = output(Keys.NAME, "variable name");
        String actualVendor = output(Keys.VENDOR, "vendor GUID");
        if (!actualName.equals(name) || !EfiGuid.parse(actualVendor).equals(guid)) {
            throw new AssertionError("the returned name is \"" + actualName + "\" of vendor " + actualVendor
                    + ", expected \"" + name + "\" of vendor " + guid);
        }
    }

    @Then("the returned name size is {size}")
    public void returnedNameSizeIs(Long expected) {
        long actual = Long.parseLong(output(Keys.NAME_SIZE, "VariableNameSize"));
        if (actual != expected) {
            throw new AssertionError("the returned name size is " + actual + ", expected " + expected);
        }
    }

    private Observation read(String name, VendorRef vendor) {
        EfiGuid guid = state.resolve(vendor);
        return state.record(() -> state.target().variables().getVariable(name, guid, VariableServices.LARGE_BUFFER));
    }

    @Then("the variable {name} of vendor {vendor} holds {data}")
    public void holds(String name, VendorRef vendor, DataSpec expected) {
        holdsOneOf(name, vendor, expected, expected);
    }

    @Then("the variable {name} of vendor {vendor} holds {data} or {data}")
    public void holdsEither(String name, VendorRef vendor, DataSpec first, DataSpec second) {
        holdsOneOf(name, vendor, first, second);
    }

    private void holdsOneOf(String name, VendorRef vendor, DataSpec first, DataSpec second) {
        Observation o = read(name, vendor);
        checkStatusClass(o, EfiStatus.SUCCESS);
        if (!"EFI_SUCCESS".equals(status(o))) {
            throw new AssertionError("GetVariable(\"" + name + "\") returned " + o.status() + ", expected it to hold "
                    + first + (first == second ? "" : " or " + second));
        }
        String actual = o.outputs().getOrDefault(Keys.DATA, "");
        if (!actual.equals(Bytes.hex(first.bytes())) && !actual.equals(Bytes.hex(second.bytes()))) {
            throw new AssertionError("the variable \"" + name + "\" holds " + preview(actual) + ", expected " + first
                    + (first == second ? "" : " or " + second));
        }
    }

    @Then("the variable {name} of vendor {vendor} does not exist")
    public void doesNotExist(String name, VendorRef vendor) {
        Observation o = read(name, vendor);
        if (ShellStatus.NOT_FOUND_CLASS.equals(o.outputs().get(Keys.STATUS_CLASS))) {
            // dmpstore walked every variable with GetNextVariableName and found none of this name and vendor:
            // that is the absence itself, observed, even though GetVariable's own status is not.
            return;
        }
        checkStatusClass(o, EfiStatus.NOT_FOUND);
        if (!"EFI_NOT_FOUND".equals(status(o))) {
            throw new AssertionError("GetVariable(\"" + name + "\") returned " + o.status() + ", expected EFI_NOT_FOUND"
                    + (o.outputs().containsKey(Keys.DATA) ? " (it holds " + preview(o.outputs().get(Keys.DATA)) + ")" : ""));
        }
    }

    @Then("the list contains the variable {name} of vendor {vendor}")
    public void listContains(String name, VendorRef vendor) {
        EfiGuid guid = state.resolve(vendor);
        if (!state.lastList().contains(new ScenarioState.Listed(name, guid))) {
            throw new AssertionError("the list of " + state.lastList().size() + " variables does not contain \"" + name
                    + "\" of vendor " + guid);
        }
    }

    @Then("the list does not contain the variable {name} of vendor {vendor}")
    public void listDoesNotContain(String name, VendorRef vendor) {
        EfiGuid guid = state.resolve(vendor);
        if (state.lastList().contains(new ScenarioState.Listed(name, guid))) {
            throw new AssertionError("the list contains \"" + name + "\" of vendor " + guid);
        }
    }

    @Then("the list has no duplicates")
    public void noDuplicates() {
        Set<ScenarioState.Listed> seen = new HashSet<>();
        for (ScenarioState.Listed e : state.lastList()) {
            if (!seen.add(e)) {
                throw new AssertionError("the list has \"" + e.name() + "\" of vendor " + e.vendor() + " more than once");
            }
        }
    }

    @Then("the list ended with {status}")
    public void listEndedWith(EfiStatus expected) {
        String actual = state.listEndStatus();
        if (!Objects.equals(actual, expected.efiName())) {
            throw new AssertionError("the list ended with " + actual + ", expected " + expected.efiName());
        }
    }

    private long queryOutput(String key) {
        Observation o = state.lastCall();
        if (!"QueryVariableInfo".equals(o.operation()) || !"EFI_SUCCESS".equals(o.status())) {
            throw new AssertionError("the last call is " + o.operation() + " with " + o.status()
                    + "; a successful QueryVariableInfo is needed");
        }
        String value = o.outputs().get(key);
        if (value == null) {
            throw state.notObservable("QueryVariableInfo on this target does not report " + key);
        }
        return Long.parseUnsignedLong(value);
    }

    @Then("the remaining storage is at most the maximum storage")
    public void remainingAtMostMaximum() {
        long remaining = queryOutput(Keys.REMAINING_STORAGE);
        long max = queryOutput(Keys.MAX_STORAGE);
        if (Long.compareUnsigned(remaining, max) > 0) {
            throw new AssertionError("remaining storage " + remaining + " exceeds maximum storage " + max);
        }
    }

    @Then("the maximum variable size is at most the maximum storage")
    public void maxVariableAtMostMaximum() {
        long maxVar = queryOutput(Keys.MAX_VARIABLE_SIZE);
        long max = queryOutput(Keys.MAX_STORAGE);
        if (Long.compareUnsigned(maxVar, max) > 0) {
            throw new AssertionError("maximum variable size " + maxVar + " exceeds maximum storage " + max);
        }
    }

    private static String preview(String hex) {
        return hex.isEmpty() ? "no data" : "hex \"" + (hex.length() > 64 ? hex.substring(0, 64) + "…" : hex) + "\" ("
                + hex.length() / 2 + " bytes)";
    }
}
