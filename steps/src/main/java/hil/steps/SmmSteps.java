package hil.steps;

import hil.reports.model.Observation;
import hil.simulator.platform.MemoryType;
import hil.simulator.smm.CommLayout;
import hil.simulator.smm.VarCheckPolicyMmi;
import hil.simulator.smm.VariablePolicyEntry;
import hil.simulator.smm.VariablePolicyEntry.LockType;
import hil.simulator.smm.VariablePolicyEntry.VarState;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import hil.simulator.uefi.Ucs2;
import hil.targets.SmmMailbox;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;

import java.util.Arrays;
import java.util.function.Function;

/**
 * The SMM side: hand-built communicate buffers, RequestToLock and the VariablePolicy protocol, through the target's
 * {@link SmmMailbox}. Each call is recorded and becomes the most recent call, so {@code Then the status is …} checks
 * the status of RequestToLock or RegisterVariablePolicy, and for a raw buffer the status Communicate returned.
 * A target without a mailbox ends these steps as not observable.
 */
public final class SmmSteps {

    private final ScenarioState state;
    /** What the scenario's raw buffers are allocated as; VariableSmmRuntimeDxe's runtime pool until a step says. */
    private MemoryType bufferMemory = SmmMailbox.DEFAULT_BUFFER_MEMORY;

    public SmmSteps(ScenarioState state) {
        this.state = state;
    }

    @Given("the communicate buffer is in {word} memory")
    public void bufferMemory(String type) {
        bufferMemory = Arrays.stream(MemoryType.values()).filter(t -> t.efiName().equals(type)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("'" + type + "' is not an EFI_MEMORY_TYPE name (e.g. "
                        + "EfiRuntimeServicesData, EfiACPIMemoryNVS, EfiBootServicesData, EfiReservedMemoryType)"));
    }

    private SmmMailbox mailbox() {
        return state.target().extension(SmmMailbox.class).orElseThrow(() -> state.notObservable(
                "SMM communicate buffers, RequestToLock and VariablePolicy calls need an SMM mailbox, which this "
                        + "target does not offer"));
    }

    private void call(Function<SmmMailbox, Observation> call) {
        SmmMailbox mailbox = mailbox();
        state.call(() -> call.apply(mailbox));
    }

    private void send(byte[] message, long commSize) {
        byte[] buffer = SmmMessages.padded(message, commSize);
        MemoryType memory = bufferMemory;
        call(m -> m.communicate(buffer, commSize, memory));
    }

    // ---- raw variable messages ----------------------------------------------------------------------------

    @When("I send a GetVariable communicate buffer for {name} of vendor {vendor} with NameSize {size} and CommSize {size}")
    public void getVariable(String name, VendorRef vendor, Long nameSize, Long commSize) {
        getVariableWithDataSize(name, vendor, nameSize, 0L, commSize);
    }

    @When("I send a GetVariable communicate buffer for {name} of vendor {vendor} with NameSize {size}, DataSize {size} and CommSize {size}")
    public void getVariableWithDataSize(String name, VendorRef vendor, Long nameSize, Long dataSize, Long commSize) {
        EfiGuid guid = state.resolve(vendor);
        byte[] room = new byte[dataSize >= 0 && dataSize <= SmmMessages.MAX_PADDED ? dataSize.intValue() : 0];
        send(SmmMessages.access(CommLayout.FN_GET_VARIABLE, Ucs2.encode(name), guid, nameSize, dataSize, 0, room),
                commSize);
    }

    @When("I send a SetVariable communicate buffer for {name} of vendor {vendor} with attributes {attrs} and {data}")
    public void setVariable(String name, VendorRef vendor, Integer attrs, DataSpec data) {
        EfiGuid guid = state.resolve(vendor);
        byte[] n = Ucs2.encode(name);
        byte[] b = SmmMessages.access(CommLayout.FN_SET_VARIABLE, n, guid, n.length, data.bytes().length, attrs,
                data.bytes());
        send(b, b.length);
    }

    @When("I send a SetVariable communicate buffer for {name} of vendor {vendor} with attributes {attrs}, {data} and DataSize {size}")
    public void setVariableWithDataSize(String name, VendorRef vendor, Integer attrs, DataSpec data, Long dataSize) {
        EfiGuid guid = state.resolve(vendor);
        byte[] n = Ucs2.encode(name);
        byte[] b = SmmMessages.access(CommLayout.FN_SET_VARIABLE, n, guid, n.length, dataSize, attrs, data.bytes());
        send(b, b.length);
    }

    @When("I send a SetVariable communicate buffer for {name} of vendor {vendor} with attributes {attrs} and {data} but no NUL after the name")
    public void setVariableWithoutNul(String name, VendorRef vendor, Integer attrs, DataSpec data) {
        EfiGuid guid = state.resolve(vendor);
        byte[] n = SmmMessages.withoutNul(name);
        byte[] b = SmmMessages.access(CommLayout.FN_SET_VARIABLE, n, guid, n.length, data.bytes().length, attrs,
                data.bytes());
        send(b, b.length);
    }

    @When("I send a GetNextVariableName communicate buffer after {name} of vendor {vendor} with NameSize {size} and a name area of {size} bytes")
    public void getNext(String name, VendorRef vendor, Long nameSize, Long nameArea) {
        EfiGuid guid = state.resolve(vendor);
        byte[] b = SmmMessages.named(CommLayout.FN_GET_NEXT_VARIABLE_NAME, name, guid, nameSize, checkedSize(nameArea));
        send(b, b.length);
    }

    @When("I send a LockVariable communicate buffer for {name} of vendor {vendor}")
    public void lockVariable(String name, VendorRef vendor) {
        EfiGuid guid = state.resolve(vendor);
        int nameSize = Ucs2.strSize(name);
        byte[] b = SmmMessages.named(CommLayout.FN_LOCK_VARIABLE, name, guid, nameSize, nameSize);
        send(b, b.length);
    }

    @When("I send a communicate buffer for function {size} with a payload of {size} bytes")
    public void function(Long function, Long payload) {
        byte[] b = SmmMessages.variable(EfiGuid.SMM_VARIABLE_PROTOCOL, function, checkedSize(payload));
        send(b, b.length);
    }

    @When("I send a communicate buffer for function {size} with a payload of {size} bytes and CommSize {size}")
    public void functionWithCommSize(Long function, Long payload, Long commSize) {
        send(SmmMessages.variable(EfiGuid.SMM_VARIABLE_PROTOCOL, function, checkedSize(payload)), commSize);
    }

    @When("I send a communicate buffer with header GUID {vendor} for function {size}")
    public void wrongGuid(VendorRef headerGuid, Long function) {
        byte[] b = SmmMessages.variable(state.resolve(headerGuid), function, 8);
        send(b, b.length);
    }

    // ---- raw policy messages ------------------------------------------------------------------------------

    @When("I send a variable policy communicate buffer with command {size}")
    public void policyCommand(Long command) {
        policyCommandWithRevision(command, 1L);
    }

    @When("I send a variable policy communicate buffer with command {size} and revision {size}")
    public void policyCommandWithRevision(Long command, Long revision) {
        byte[] b = SmmMessages.policy(command, revision, 64);
        send(b, b.length);
    }

    // ---- protocols ----------------------------------------------------------------------------------------

    @When("I request to lock the variable {name} of vendor {vendor}")
    public void requestToLock(String name, VendorRef vendor) {
        EfiGuid guid = state.resolve(vendor);
        call(m -> m.requestToLock(name, guid));
    }

    private void register(VariablePolicyEntry entry) {
        byte[] bytes;
        try {
            bytes = entry.encode();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the variable policy in this step is too large: " + e.getMessage(), e);
        }
        call(m -> m.registerVariablePolicy(bytes));
    }

    private VariablePolicyEntry basic(String name, VendorRef vendor, long min, long max, int must, int cant,
                                      LockType type) {
        return VariablePolicyEntry.basic(state.resolve(vendor), name, min, max, must, cant, type);
    }

    @When("I register a variable policy for {name} of vendor {vendor} locking it now")
    public void lockNow(String name, VendorRef vendor) {
        register(basic(name, vendor, 0, VariablePolicyEntry.NO_MAX_SIZE, 0, 0, LockType.LOCK_NOW));
    }

    @When("I register a variable policy for {name} of vendor {vendor} locking it on create")
    public void lockOnCreate(String name, VendorRef vendor) {
        register(basic(name, vendor, 0, VariablePolicyEntry.NO_MAX_SIZE, 0, 0, LockType.LOCK_ON_CREATE));
    }

    @When("I register a variable policy for {name} of vendor {vendor} locking it while variable {name} of vendor {vendor} is {size}")
    public void lockOnVarState(String name, VendorRef vendor, String stateName, VendorRef stateVendor, Long value) {
        if (value < 0 || value > 0xFF) {
            throw new IllegalArgumentException("the state value of a variable policy is one byte (0 to 255), not " + value);
        }
        VarState varState = new VarState(state.resolve(stateVendor), value.intValue(), stateName);
        register(VariablePolicyEntry.onVarState(state.resolve(vendor), name, 0, VariablePolicyEntry.NO_MAX_SIZE, 0, 0,
                varState));
    }

    @When("I register a variable policy for all names of vendor {vendor} locking it now")
    public void namespaceLockNow(VendorRef vendor) {
        register(basic(null, vendor, 0, VariablePolicyEntry.NO_MAX_SIZE, 0, 0, LockType.LOCK_NOW));
    }

    @When("I register a variable policy for {name} of vendor {vendor} allowing sizes {size} to {size}")
    public void sizes(String name, VendorRef vendor, Long min, Long max) {
        register(basic(name, vendor, uint32(min, "minimum size"), uint32(max, "maximum size"), 0, 0, LockType.NO_LOCK));
    }

    @When("I register a variable policy for {name} of vendor {vendor} requiring attributes {attrs}")
    public void mustHave(String name, VendorRef vendor, Integer attrs) {
        register(basic(name, vendor, 0, VariablePolicyEntry.NO_MAX_SIZE, attrs, 0, LockType.NO_LOCK));
    }

    @When("I register a variable policy for {name} of vendor {vendor} forbidding attributes {attrs}")
    public void cantHave(String name, VendorRef vendor, Integer attrs) {
        register(basic(name, vendor, 0, VariablePolicyEntry.NO_MAX_SIZE, 0, attrs, LockType.NO_LOCK));
    }

    @When("I register the variable policy entry {data}")
    public void rawEntry(DataSpec entry) {
        byte[] bytes = entry.bytes();
        call(m -> m.registerVariablePolicy(bytes));
    }

    @When("I lock the variable policy interface")
    public void lockInterface() {
        call(SmmMailbox::lockVariablePolicy);
    }

    @When("I disable variable policy enforcement")
    public void disable() {
        call(SmmMailbox::disableVariablePolicy);
    }

    // ---- assertions ---------------------------------------------------------------------------------------

    private String output(String key, String what) {
        Observation o = state.lastCall();
        String value = o.outputs().get(key);
        if (value == null) {
            throw new AssertionError("the last call (" + o.operation() + ", " + o.status() + ") returned no " + what
                    + (SmmMailbox.Keys.COMMUNICATE.equals(o.operation()) ? "" : "; send a communicate buffer first"));
        }
        return value;
    }

    @Then("the communicate status is {status}")
    public void communicateStatus(EfiStatus expected) {
        Observation o = state.lastCall();
        if (!SmmMailbox.Keys.COMMUNICATE.equals(o.operation())) {
            throw new AssertionError("the last call is " + o.operation() + ", not a communicate buffer");
        }
        if (!expected.efiName().equals(o.status())) {
            throw new AssertionError("Communicate returned " + o.status() + ", expected " + expected.efiName());
        }
    }

    @Then("the SMM return status is {status}")
    public void returnStatus(EfiStatus expected) {
        String actual = output(SmmMailbox.Keys.RETURN_STATUS, "ReturnStatus of a variable message");
        if (!actual.equals(expected.efiName())) {
            throw new AssertionError("the SMM variable handler wrote ReturnStatus " + describe(actual) + ", expected "
                    + expected.efiName());
        }
    }

    /**
     * The handler did not answer: the status field of the message (ReturnStatus, or Result under the VarCheckPolicy
     * GUID) still holds what the step sent. A DXE caller, whose buffer is zero-filled, reads EFI_SUCCESS then.
     */
    @Then("the communicate buffer was dropped")
    public void dropped() {
        byte[] reply = Bytes.fromHex(output(SmmMailbox.Keys.REPLY, "reply"));
        boolean policy = reply.length >= EfiGuid.SIZE && VarCheckPolicyMmi.HANDLER_GUID.matches(reply, 0);
        int field = CommLayout.MM_HEADER_SIZE + (policy ? VarCheckPolicyMmi.OFFSET_RESULT : CommLayout.RETURN_STATUS);
        if (reply.length < field + 8) {
            throw new AssertionError("the buffer of " + reply.length + " bytes has no status field to look at");
        }
        long value = Bytes.u64(reply, field);
        if (value != SmmMessages.UNTOUCHED) {
            throw new AssertionError("the SMM handler answered with " + (policy ? "Result " : "ReturnStatus ")
                    + EfiStatus.describe(value) + "; expected it to drop the message and leave the field as sent");
        }
    }

    @Then("the variable policy result is {status}")
    public void policyResult(EfiStatus expected) {
        String actual = output(SmmMailbox.Keys.POLICY_RESULT, "Result of a variable policy message");
        if (!actual.equals(expected.efiName())) {
            throw new AssertionError("the VarCheckPolicy handler wrote Result " + describe(actual) + ", expected "
                    + expected.efiName());
        }
    }

    @Then("the reply UINTN at payload offset {size} is {size}")
    public void replyUintn(Long offset, Long expected) {
        byte[] reply = Bytes.fromHex(output(SmmMailbox.Keys.REPLY, "reply"));
        long at = CommLayout.MM_HEADER_SIZE + CommLayout.VARIABLE_HEADER_SIZE + offset;
        if (offset < 0 || at + 8 > reply.length) {
            throw new AssertionError("the reply of " + reply.length + " bytes has no UINTN at payload offset " + offset);
        }
        long actual = Bytes.u64(reply, (int) at);
        if (actual != expected) {
            throw new AssertionError("the reply holds " + Long.toUnsignedString(actual) + " at payload offset " + offset
                    + ", expected " + Long.toUnsignedString(expected));
        }
    }

    private static String describe(String status) {
        return status.equals(EfiStatus.describe(SmmMessages.UNTOUCHED)) ? "(untouched: the message was dropped)" : status;
    }

    private static int checkedSize(long size) {
        if (size < 0 || size > SmmMessages.MAX_PADDED) {
            throw new IllegalArgumentException("a payload or name area of " + size + " bytes is outside 0.."
                    + SmmMessages.MAX_PADDED + "; CommSize may be anything, the buffer may not");
        }
        return (int) size;
    }

    private static long uint32(long value, String what) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("the " + what + " of a variable policy is a UINT32, not " + value);
        }
        return value;
    }
}
