package hil.reports;

import hil.reports.model.Observation;
import hil.reports.model.ScenarioResult;
import hil.reports.model.StepResult;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code index.html}: one self-contained page (inline CSS, no scripts, no network) with the totals per target,
 * a matrix of scenarios × targets, and each scenario's steps with their observations. All text from results is
 * escaped.
 */
final class HtmlReport {

    private static final String CSS = """
            body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
            h1{margin:0 0 .2em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}
            table{border-collapse:collapse;margin:.4em 0}
            th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
            th{background:#f3f3f3}
            .num{text-align:right}
            .passed{background:#d9f2d9}.failed,.ambiguous{background:#f8d0d0}.pending{background:#ecd9f5}
            .skipped{background:#eeeeee}.undefined{background:#fde3c0}.missing{background:#fff;color:#888}
            .badge{display:inline-block;padding:0 .4em;border-radius:3px;font-size:12px;font-weight:600}
            .reason{white-space:pre-wrap;font-size:12px;color:#444;margin:.2em 0}
            .loc{color:#666;font-size:12px}
            .verdict-ok{color:#1a7f1a}.verdict-bad{color:#b00020}
            .scenario{margin:1.2em 0;padding-top:.4em;border-top:1px dashed #ccc}
            .run{margin:.6em 0 .6em 1em}
            ol.steps{margin:.2em 0;padding-left:1.6em}ol.steps li{margin:.3em 0}
            table.obs{font-size:12px}
            code{font:12px ui-monospace,monospace;word-break:break-all}
            pre{white-space:pre-wrap;font:12px ui-monospace,monospace;margin:0}
            """;

    private final Summary summary;
    private final List<ScenarioResult> results;
    private final Path workingDir;
    private final Function<String, String> cucumberReport;
    private final StringBuilder out = new StringBuilder();

    /**
     * @param results        every result, sorted by feature and line
     * @param cucumberReport Cucumber's own report file for a target, or {@code null} if there is none
     */
    HtmlReport(Summary summary, List<ScenarioResult> results, Path workingDir,
               Function<String, String> cucumberReport) {
        this.summary = summary;
        this.results = results;
        this.workingDir = workingDir;
        this.cucumberReport = cucumberReport;
    }

    String render() {
        Map<String, Map<String, ScenarioResult>> scenarios = byScenario();
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>HIL report</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        header();
        matrix(scenarios);
        details(scenarios);
        out.append("</body>\n</html>\n");
        return out.toString();
    }

    /** Scenario key → target → result, scenarios in feature/line order. */
    private Map<String, Map<String, ScenarioResult>> byScenario() {
        Map<String, Map<String, ScenarioResult>> scenarios = new LinkedHashMap<>();
        for (ScenarioResult result : results) {
            scenarios.computeIfAbsent(result.key(), k -> new LinkedHashMap<>()).put(result.target(), result);
        }
        return scenarios;
    }

    private void header() {
        out.append("<header>\n<h1>HIL report</h1>\n<p>");
        if (summary.allPassed()) {
            out.append("<strong class=\"verdict-ok\">All scenarios passed or were skipped.</strong>");
        } else {
            out.append("<strong class=\"verdict-bad\">Some scenarios did not pass.</strong>");
        }
        out.append(" ").append(summary.scenarios()).append(" scenarios on ").append(summary.targets().size())
                .append(" target(s); divergences: ").append(summary.divergences())
                .append("; generated ").append(esc(summary.generated().toString())).append(".</p>\n");
        out.append("<table class=\"totals\">\n<tr><th>target</th><th>passed</th><th>failed</th><th>skipped</th>")
                .append("<th>undefined</th><th>pending</th><th>duration</th><th>Cucumber report</th></tr>\n");
        for (Map.Entry<String, Summary.Counts> entry : summary.targets().entrySet()) {
            Summary.Counts c = entry.getValue();
            out.append("<tr><td>").append(esc(entry.getKey())).append("</td>")
                    .append(count(c.passed(), "passed")).append(count(c.failed(), "failed"))
                    .append(count(c.skipped(), "skipped")).append(count(c.undefined(), "undefined"))
                    .append(count(c.pending(), "pending"))
                    .append("<td class=\"num\">").append(String.format(Locale.ROOT, "%.3f s", c.durationSeconds()))
                    .append("</td><td>");
            String link = cucumberReport.apply(entry.getKey());
            if (link != null) {
                out.append("<a href=\"").append(esc(link)).append("\">").append(esc(link)).append("</a>");
            }
            out.append("</td></tr>\n");
        }
        out.append("</table>\n</header>\n");
    }

    private static String count(int n, String cssClass) {
        return "<td class=\"num" + (n > 0 ? " " + cssClass : "") + "\">" + n + "</td>";
    }

    private void matrix(Map<String, Map<String, ScenarioResult>> scenarios) {
        out.append("<h2>Matrix</h2>\n<table class=\"matrix\">\n<tr><th>feature</th><th>scenario</th>");
        for (String target : summary.targets().keySet()) {
            out.append("<th>").append(esc(target)).append("</th>");
        }
        out.append("</tr>\n");
        int index = 0;
        for (Map<String, ScenarioResult> row : scenarios.values()) {
            ScenarioResult first = row.values().iterator().next();
            index++;
            out.append("<tr><td>").append(esc(first.featureName())).append("<br><span class=\"loc\">")
                    .append(esc(location(first))).append("</span></td><td><a href=\"#s").append(index).append("\">")
                    .append(esc(first.name())).append("</a></td>");
            for (String target : summary.targets().keySet()) {
                ScenarioResult result = row.get(target);
                if (result == null) {
                    out.append("<td class=\"cell missing\">not run</td>");
                    continue;
                }
                out.append("<td class=\"cell ").append(statusClass(result.status())).append("\"");
                if (result.message() != null) {
                    out.append(" title=\"").append(esc(result.message())).append("\"");
                }
                out.append(">").append(esc(result.status()));
                if (!"PASSED".equals(result.status()) && result.message() != null) {
                    out.append("<div class=\"reason\">").append(esc(Text.firstLine(result.message())))
                            .append("</div>");
                }
                out.append("</td>");
            }
            out.append("</tr>\n");
        }
        out.append("</table>\n");
    }

    private void details(Map<String, Map<String, ScenarioResult>> scenarios) {
        out.append("<h2>Scenarios</h2>\n");
        int index = 0;
        for (Map<String, ScenarioResult> row : scenarios.values()) {
            ScenarioResult first = row.values().iterator().next();
            index++;
            out.append("<section class=\"scenario\" id=\"s").append(index).append("\">\n<h3>")
                    .append(esc(first.name())).append("</h3>\n<p class=\"loc\">Feature: ")
                    .append(esc(first.featureName())).append(" &middot; ").append(esc(location(first)));
            if (!first.tags().isEmpty()) {
                out.append(" &middot; ").append(esc(String.join(" ", first.tags())));
            }
            out.append("</p>\n");
            for (ScenarioResult result : row.values()) {
                run(result);
            }
            out.append("</section>\n");
        }
    }

    private void run(ScenarioResult result) {
        out.append("<div class=\"run\">\n<h4>").append(esc(result.target())).append(" ")
                .append(badge(result.status())).append(" <span class=\"loc\">")
                .append(String.format(Locale.ROOT, "%.3f s", result.durationNanos() / 1e9)).append("</span></h4>\n");
        if (result.message() != null) {
            out.append("<div class=\"reason\">").append(esc(result.message())).append("</div>\n");
        }
        out.append("<ol class=\"steps\">\n");
        for (StepResult step : result.steps()) {
            out.append("<li>").append(badge(step.status())).append(" <strong>").append(esc(step.keyword()))
                    .append("</strong>").append(esc(step.text()));
            if (step.line() > 0) {
                out.append(" <span class=\"loc\">line ").append(step.line()).append("</span>");
            }
            if (step.message() != null && !"PASSED".equals(step.status())) {
                out.append("<div class=\"reason\">").append(esc(step.message())).append("</div>");
            }
            if (!step.observations().isEmpty()) {
                observations(step.observations());
            }
            out.append("</li>\n");
        }
        out.append("</ol>\n</div>\n");
    }

    private void observations(List<Observation> observations) {
        out.append("\n<table class=\"obs\">\n<tr><th>operation</th><th>phase</th><th>inputs</th><th>status</th>")
                .append("<th>outputs</th><th>time</th></tr>\n");
        for (Observation o : observations) {
            out.append("<tr><td>").append(esc(o.operation())).append("</td><td>").append(esc(o.phase()))
                    .append("</td><td>");
            values(o.inputs());
            out.append("</td><td>").append(o.status() == null ? "" : esc(o.status())).append("</td><td>");
            values(o.outputs());
            out.append("</td><td class=\"num\">")
                    .append(String.format(Locale.ROOT, "%.3f ms", o.durationNanos() / 1e6)).append("</td></tr>\n");
            if (o.transcript() != null && !o.transcript().isEmpty()) {
                out.append("<tr><td colspan=\"6\"><details><summary>transcript</summary><pre>")
                        .append(esc(o.transcript())).append("</pre></details></td></tr>\n");
            }
        }
        out.append("</table>\n");
    }

    private void values(Map<String, String> values) {
        for (Map.Entry<String, String> entry : values.entrySet()) {
            out.append("<div>").append(esc(entry.getKey())).append(" = <code>").append(esc(entry.getValue()))
                    .append("</code></div>");
        }
    }

    private String location(ScenarioResult result) {
        return Locations.display(result.featureUri(), workingDir) + ":" + result.line();
    }

    private static String badge(String status) {
        return "<span class=\"badge " + statusClass(status) + "\">" + esc(status) + "</span>";
    }

    /** A CSS class for a status; anything unknown is shown as a failure, as it is counted. */
    static String statusClass(String status) {
        if (status == null) {
            return "failed";
        }
        return switch (status) {
            case "PASSED", "FAILED", "SKIPPED", "UNDEFINED", "PENDING", "AMBIGUOUS" -> status.toLowerCase(Locale.ROOT);
            default -> "failed";
        };
    }

    private static String esc(String text) {
        return Text.html(text);
    }
}
