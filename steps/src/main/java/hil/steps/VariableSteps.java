package hil.steps;

import hil.reports.model.Observation;
import hil.reports.model.Observation.Keys;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiGuid;
import hil.targets.Capability;
import hil.targets.VariableServices;
import io.cucumber.java.en.When;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The variable-service calls: each is one runtime-service call recorded as an observation. */
public final class VariableSteps {

    /** Upper bound on the calls of one walk; a firmware that never ends its list fails the step instead of hanging. */
    static final int MAX_WALK = 100_000;

    private final ScenarioState state;

    public VariableSteps(ScenarioState state) {
        this.state = state;
    }

    private VariableServices services() {
        return state.target().variables();
    }

    @When("I set the variable {name} of vendor {vendor} with attributes {attrs} to {data}")
    public void set(String name, VendorRef vendor, Integer attrs, DataSpec data) {
        EfiGuid guid = state.resolve(vendor);
        state.call(() -> services().setVariable(name, guid, attrs, data.bytes()));
    }

    @When("I append {data} to the variable {name} of vendor {vendor} with attributes {attrs}")
    public void append(DataSpec data, String name, VendorRef vendor, Integer attrs) {
        EfiGuid guid = state.resolve(vendor);
        state.call(() -> services().setVariable(name, guid, attrs | Attributes.AP, data.bytes()));
    }

    @When("I delete the variable {name} of vendor {vendor}")
    public void delete(String name, VendorRef vendor) {
        EfiGuid guid = state.resolve(vendor);
        state.call(() -> services().setVariable(name, guid, 0, new byte[0]));
    }

    @When("I get the variable {name} of vendor {vendor}")
    public void get(String name, VendorRef vendor) {
        EfiGuid guid = state.resolve(vendor);
        state.call(() -> services().getVariable(name, guid, VariableServices.LARGE_BUFFER));
    }

    @When("I get the variable {name} of vendor {vendor} with a buffer of {size} bytes")
    public void getWithBuffer(String name, VendorRef vendor, Long size) {
        state.requireCapability(Capability.RAW_CALLS, "a GetVariable with an exact DataSize");
        EfiGuid guid = state.resolve(vendor);
        state.call(() -> services().getVariable(name, guid, size));
    }

    @When("I ask for the variable name after {name} of vendor {vendor}")
    public void next(String name, VendorRef vendor) {
        EfiGuid guid = state.resolve(vendor);
        state.call(() -> services().getNextVariableName(name, guid, VariableServices.LARGE_BUFFER));
    }

    @When("I ask for the variable name after {name} of vendor {vendor} with a buffer of {size} bytes")
    public void nextWithBuffer(String name, VendorRef vendor, Long size) {
        state.requireCapability(Capability.RAW_CALLS, "a GetNextVariableName with an exact VariableNameSize");
        EfiGuid guid = state.resolve(vendor);
        state.call(() -> services().getNextVariableName(name, guid, size));
    }

    @When("I list all variables")
    public void listAll() {
        java.util.Optional<Observation> listed = services().listVariables();
        if (listed.isPresent()) {
            listed(listed.get());
            return;
        }
        List<ScenarioState.Listed> entries = new ArrayList<>();
        String name = "";
        EfiGuid vendor = EfiGuid.ZERO;
        long buffer = VariableServices.LARGE_BUFFER;
        String end = null;
        long start = System.nanoTime();
        String phase = state.target().platform().phase().label();
        for (int calls = 0; calls < MAX_WALK; calls++) {
            String n = name;
            EfiGuid v = vendor;
            long b = buffer;
            Observation o = state.target().variables().getNextVariableName(n, v, b);
            if ("EFI_SUCCESS".equals(o.status())) {
                name = o.outputs().get(Keys.NAME);
                vendor = EfiGuid.parse(o.outputs().get(Keys.VENDOR));
                entries.add(new ScenarioState.Listed(name, vendor));
                buffer = VariableServices.LARGE_BUFFER;
            } else if ("EFI_BUFFER_TOO_SMALL".equals(o.status()) && buffer == VariableServices.LARGE_BUFFER
                    && o.outputs().containsKey(Keys.NAME_SIZE)) {
                buffer = Long.parseLong(o.outputs().get(Keys.NAME_SIZE));
            } else {
                end = o.status();
                break;
            }
        }
        if (end == null) {
            throw new AssertionError("the variable walk did not end after " + MAX_WALK + " GetNextVariableName calls");
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put(Keys.COUNT, String.valueOf(entries.size()));
        StringBuilder all = new StringBuilder();
        for (ScenarioState.Listed e : entries) {
            all.append(e.vendor()).append(':').append(e.name()).append('\n');
        }
        outputs.put(Keys.VARIABLES, all.toString());
        String endStatus = end;
        Observation summary = new Observation("ListVariables", Map.of(), endStatus, outputs, phase,
                state.targetName(), System.nanoTime() - start, null);
        state.record(() -> summary);
        state.list(entries, endStatus);
    }

    /** A list the target made in one go (an OS's own walk): recorded, and its entries kept for the assertions. */
    private void listed(Observation o) {
        state.record(() -> o);
        List<ScenarioState.Listed> entries = new ArrayList<>();
        for (String line : o.outputs().getOrDefault(Keys.VARIABLES, "").split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            // vendor:name — a GUID has no ':', a name may.
            int colon = line.indexOf(':');
            entries.add(new ScenarioState.Listed(line.substring(colon + 1), EfiGuid.parse(line.substring(0, colon))));
        }
        state.list(entries, o.status());
    }

    @When("I query variable storage for attributes {attrs}")
    public void query(Integer attrs) {
        state.call(() -> services().queryVariableInfo(attrs));
    }
}
