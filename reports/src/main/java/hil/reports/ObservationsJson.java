package hil.reports;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import hil.reports.model.ScenarioResult;
import hil.reports.model.StepResult;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code observations.json}: target → scenario key ({@code <feature uri>:<line>}) → steps → observations.
 * Every step is listed, with or without observations, so that step positions line up between targets.
 */
final class ObservationsJson {

    private ObservationsJson() {
    }

    static void write(Path file, List<ScenarioResult> results) throws IOException {
        ObjectNode root = Json.MAPPER.createObjectNode();
        for (ScenarioResult result : results) {
            ObjectNode target = root.has(result.target())
                    ? (ObjectNode) root.get(result.target())
                    : root.putObject(result.target());
            ObjectNode scenario = target.putObject(result.key());
            scenario.put("feature", result.featureName());
            scenario.put("name", result.name());
            scenario.put("status", result.status());
            ArrayNode steps = scenario.putArray("steps");
            for (StepResult step : result.steps()) {
                ObjectNode node = steps.addObject();
                node.put("keyword", step.keyword());
                node.put("text", step.text());
                node.put("line", step.line());
                node.put("status", step.status());
                node.set("observations", Json.MAPPER.valueToTree(step.observations()));
            }
        }
        Json.MAPPER.writeValue(file.toFile(), root);
    }
}
