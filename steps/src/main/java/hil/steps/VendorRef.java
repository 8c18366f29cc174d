package hil.steps;

/** A vendor as written in a step: a GUID, a well-known name or an alias, resolved by {@link ScenarioState}. */
record VendorRef(String token) {
}
