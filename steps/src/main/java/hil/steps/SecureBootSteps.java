package hil.steps;

import hil.auth.EfiTime;
import hil.auth.Pkcs7Signer;
import hil.auth.TestKey;
import hil.auth.VariableAuthentication2;
import hil.reports.model.Observation;
import hil.reports.model.Observation.Keys;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiGuid;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;

import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Secure Boot and time-based authenticated variables (FEATURE-LANGUAGE.md, v2). Every write is one SetVariable call
 * whose Data is an EFI_VARIABLE_AUTHENTICATION_2 followed by the payload, made through the target's ordinary
 * {@code setVariable}: the same bytes reach the simulator, the agent on OVMF and efivarfs in the OS phase. The
 * attributes go out exactly as written (append adds only AP), so a scenario can send wrong ones on purpose.
 *
 * <p>Each write's observation carries its timestamp and signer as inputs, so the report shows them.
 */
public final class SecureBootSteps {

    /** The n-th authenticated write of a scenario without {@code at} is stamped this plus n seconds. */
    static final LocalDateTime FIRST_STAMP = LocalDateTime.of(2024, 1, 1, 0, 0, 0);

    private final ScenarioState state;

    public SecureBootSteps(ScenarioState state) {
        this.state = state;
    }

    @Given("a test key {key}")
    public void selfSignedKey(String name) {
        state.declareKey(RunKeys.store().selfSigned(name));
    }

    @Given("a test key {key} issued by {key}")
    public void issuedKey(String name, String issuer) {
        state.declareKey(RunKeys.store().issuedBy(name, state.key(issuer)));
    }

    @Given("a test key {key} without a common name")
    public void keyWithoutCommonName(String name) {
        state.declareKey(RunKeys.store().withoutCommonName(name));
    }

    @When("I set the authenticated variable {name} of vendor {vendor} with attributes {attrs} to {data} signed by {key}")
    public void setSigned(String name, VendorRef vendor, Integer attrs, DataSpec data, String key) {
        write(name, vendor, attrs, data.bytes(), state.key(key), null);
    }

    @When("I set the authenticated variable {name} of vendor {vendor} with attributes {attrs} to {data} signed by {key} at {time}")
    public void setSignedAt(String name, VendorRef vendor, Integer attrs, DataSpec data, String key, EfiTime time) {
        write(name, vendor, attrs, data.bytes(), state.key(key), time);
    }

    @When("I set the authenticated variable {name} of vendor {vendor} with attributes {attrs} to {data} without a signature")
    public void setUnsigned(String name, VendorRef vendor, Integer attrs, DataSpec data) {
        write(name, vendor, attrs, data.bytes(), null, null);
    }

    @When("I append {data} to the authenticated variable {name} of vendor {vendor} with attributes {attrs} signed by {key}")
    public void appendSigned(DataSpec data, String name, VendorRef vendor, Integer attrs, String key) {
        write(name, vendor, attrs | Attributes.AP, data.bytes(), state.key(key), null);
    }

    @When("I delete the authenticated variable {name} of vendor {vendor} with attributes {attrs} signed by {key}")
    public void deleteSigned(String name, VendorRef vendor, Integer attrs, String key) {
        write(name, vendor, attrs, new byte[0], state.key(key), null);
    }

    @When("I delete the authenticated variable {name} of vendor {vendor} with attributes {attrs} without a signature")
    public void deleteUnsigned(String name, VendorRef vendor, Integer attrs) {
        write(name, vendor, attrs, new byte[0], null, null);
    }

    /**
     * One SetVariable of {@code timestamp ‖ WIN_CERTIFICATE_UEFI_GUID ‖ PKCS#7 ‖ payload}; without a signer the
     * certificate header has no PKCS#7 (dwLength 24), as EDK II's EnrollDefaultKeys sends it.
     */
    private void write(String name, VendorRef vendor, int attributes, byte[] payload, TestKey signer, EfiTime at) {
        EfiGuid guid = state.resolve(vendor);
        int n = state.nextAuthenticatedWrite();
        EfiTime stamp = at != null ? at : EfiTime.of(FIRST_STAMP.plusSeconds(n));
        byte[] data;
        if (signer == null) {
            data = VariableAuthentication2.buildUnsigned(stamp, payload);
        } else {
            byte[] content = VariableAuthentication2.signedContent(name, guid.toBytes(), attributes & 0xFFFFFFFFL,
                    stamp, payload);
            data = VariableAuthentication2.build(stamp, Pkcs7Signer.sign(content, signer), payload);
        }
        String signedBy = signer == null ? "none" : signer.name() + " (" + signer.subject() + ")";
        state.call(() -> annotated(state.target().variables().setVariable(name, guid, attributes, data), stamp,
                signedBy));
    }

    /** The observation with the write's timestamp and signer added to its inputs. */
    private static Observation annotated(Observation o, EfiTime stamp, String signer) {
        Map<String, String> inputs = new LinkedHashMap<>(o.inputs());
        inputs.put(Keys.AUTH_TIMESTAMP, stamp.toString());
        inputs.put(Keys.AUTH_SIGNER, signer);
        return new Observation(o.operation(), inputs, o.status(), o.outputs(), o.phase(), o.target(),
                o.durationNanos(), o.transcript());
    }

    @Then("the platform is in setup mode")
    public void setupMode() {
        holdsOneByte("SetupMode", 1);
    }

    @Then("the platform is in user mode")
    public void userMode() {
        holdsOneByte("SetupMode", 0);
    }

    @Then("Secure Boot is enabled")
    public void secureBootEnabled() {
        holdsOneByte("SecureBoot", 1);
    }

    @Then("Secure Boot is disabled")
    public void secureBootDisabled() {
        holdsOneByte("SecureBoot", 0);
    }

    /** GetVariable of the global variable {@code name} must give exactly one byte, {@code value}. */
    private void holdsOneByte(String name, int value) {
        new AssertionSteps(state).holds(name, new VendorRef("EFI_GLOBAL_VARIABLE"),
                new DataSpec(new byte[] {(byte) value}, String.format("hex \"%02x\"", value)));
    }
}
