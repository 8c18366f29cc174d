package hil.reports;

import hil.reports.compare.AlignedStep;
import hil.reports.compare.Comparison;
import hil.reports.compare.Divergence;
import hil.reports.compare.ScenarioComparison;
import hil.reports.model.Artifact;
import hil.reports.model.Observation;
import hil.reports.model.ScenarioResult;
import hil.reports.model.StepResult;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code index.html}: one self-contained page (inline CSS, no scripts, no network) with the totals per target,
 * a matrix of scenarios × targets (passed, failed, skipped with its reason, or diverged from the reference
 * target), and for each scenario its steps side by side, one column per target, with the fields that diverge
 * highlighted and the evidence the targets attached linked. All text from results is escaped.
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
            .diverged{background:#8fb8ff;font-weight:600}.diverged a{color:#0b2a66}
            .badge{display:inline-block;padding:0 .4em;border-radius:3px;font-size:12px;font-weight:600}
            .reason{white-space:pre-wrap;font-size:12px;color:#444;margin:.2em 0;font-weight:normal}
            .loc{color:#666;font-size:12px}
            .verdict-ok{color:#1a7f1a}.verdict-bad{color:#b00020}
            .scenario{margin:1.2em 0;padding-top:.4em;border-top:1px dashed #ccc}
            table.side{width:100%;table-layout:fixed}table.side td,table.side th{overflow-wrap:anywhere}
            table.side th.step{width:22%}
            .obs{margin:.3em 0;padding:.2em .3em;border-left:3px solid #ccc;font-size:12px}
            .k{color:#666}
            .div{background:#ffe066;outline:2px solid #c99700}
            .div-expected{background:#e6e6fa;outline:1px dashed #7a7ab8}
            ul.divergences{margin:.3em 0;padding-left:1.4em}ul.divergences li{margin:.2em 0}
            img.shot{max-width:100%;border:1px solid #ccc;display:block;margin:.2em 0}
            code{font:12px ui-monospace,monospace;word-break:break-all;white-space:pre-wrap}
            pre{white-space:pre-wrap;font:12px ui-monospace,monospace;margin:0}
            """;

    private final Summary summary;
    private final Comparison comparison;
    private final Path workingDir;
    private final Function<String, String> cucumberReport;
    private final StringBuilder out = new StringBuilder();

    /**
     * @param comparison     the run's comparison, whose results link their artifacts relative to the report
     * @param cucumberReport Cucumber's own report file for a target, or {@code null} if there is none
     */
    HtmlReport(Summary summary, Comparison comparison, Path workingDir, Function<String, String> cucumberReport) {
        this.summary = summary;
        this.comparison = comparison;
        this.workingDir = workingDir;
        this.cucumberReport = cucumberReport;
    }

    String render() {
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>HIL report</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        header();
        matrix();
        details();
        rules();
        out.append("</body>\n</html>\n");
        return out.toString();
    }

    private List<String> targets() {
        return comparison.targets();
    }

    private void header() {
        out.append("<header>\n<h1>HIL report</h1>\n<p>");
        if (summary.allPassed()) {
            out.append("<strong class=\"verdict-ok\">All scenarios passed or were skipped.</strong>");
        } else {
            out.append("<strong class=\"verdict-bad\">Some scenarios did not pass.</strong>");
        }
        if (summary.divergences() > 0) {
            out.append(" <strong class=\"verdict-bad\">Targets diverged.</strong>");
        }
        out.append(" ").append(summary.scenarios()).append(" scenarios on ").append(summary.targets().size())
                .append(" target(s); divergences: ").append(summary.divergences());
        if (summary.expectedDivergences() > 0) {
            out.append(" (and ").append(summary.expectedDivergences()).append(" expected)");
        }
        out.append("; generated ").append(esc(summary.generated().toString())).append(".</p>\n");
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

    private void matrix() {
        out.append("<h2>Matrix</h2>\n");
        if (targets().size() > 1) {
            out.append("<p class=\"loc\">Each target is compared with the first one (").append(esc(targets().get(0)))
                    .append("), or with the first that did not skip the scenario. <span class=\"badge diverged\">")
                    .append("DIVERGED</span> marks a target whose calls or outcomes differ from it; the scenario's")
                    .append(" details show where.</p>\n");
        }
        out.append("<table class=\"matrix\">\n<tr><th>feature</th><th>scenario</th>");
        for (String target : targets()) {
            out.append("<th>").append(esc(target)).append("</th>");
        }
        out.append("</tr>\n");
        int index = 0;
        for (ScenarioComparison scenario : comparison.scenarios()) {
            ScenarioResult first = scenario.first();
            index++;
            out.append("<tr data-scenario=\"").append(esc(scenario.key())).append("\"><td>")
                    .append(esc(first.featureName())).append("<br><span class=\"loc\">")
                    .append(esc(location(first))).append("</span></td><td><a href=\"#s").append(index).append("\">")
                    .append(esc(first.name())).append("</a></td>");
            for (String target : targets()) {
                cell(scenario, target, index);
            }
            out.append("</tr>\n");
        }
        out.append("</table>\n");
    }

    private void cell(ScenarioComparison scenario, String target, int index) {
        ScenarioResult result = scenario.results().get(target);
        if (result == null) {
            out.append("<td class=\"cell missing\">not run</td>");
            return;
        }
        List<Divergence> diverged = scenario.divergencesOf(target);
        if (!diverged.isEmpty()) {
            String what = diverged.size() + (diverged.size() == 1 ? " difference" : " differences") + " from "
                    + scenario.reference();
            out.append("<td class=\"cell diverged\" title=\"").append(esc(what)).append("\"><a href=\"#s")
                    .append(index).append("\">DIVERGED</a><div class=\"reason\">").append(esc(result.status()))
                    .append("; ").append(esc(what)).append(": ").append(esc(diverged.get(0).describe()))
                    .append("</div></td>");
            return;
        }
        out.append("<td class=\"cell ").append(statusClass(result.status())).append("\"");
        if (result.message() != null) {
            out.append(" title=\"").append(esc(result.message())).append("\"");
        }
        out.append(">").append(esc(result.status()));
        if (!"PASSED".equals(result.status()) && result.message() != null) {
            out.append("<div class=\"reason\">").append(esc(Text.firstLine(result.message()))).append("</div>");
        }
        List<Divergence> expected = scenario.expectedDivergencesOf(target);
        if (!expected.isEmpty()) {
            out.append("<div class=\"reason\">expected difference: ").append(esc(expected.get(0).reason()))
                    .append("</div>");
        }
        out.append("</td>");
    }

    private void details() {
        out.append("<h2>Scenarios</h2>\n");
        int index = 0;
        for (ScenarioComparison scenario : comparison.scenarios()) {
            index++;
            scenario(scenario, index);
        }
    }

    private void scenario(ScenarioComparison scenario, int index) {
        ScenarioResult first = scenario.first();
        String id = "s" + index;
        out.append("<section class=\"scenario\" id=\"").append(id).append("\">\n<h3>").append(esc(first.name()))
                .append("</h3>\n<p class=\"loc\">Feature: ").append(esc(first.featureName())).append(" &middot; ")
                .append(esc(location(first)));
        if (!first.tags().isEmpty()) {
            out.append(" &middot; ").append(esc(String.join(" ", first.tags())));
        }
        out.append("</p>\n");
        divergenceList(scenario, id);

        out.append("<table class=\"side\">\n<tr><th class=\"step\">step</th>");
        for (String target : targets()) {
            out.append("<th>").append(esc(target));
            if (target.equals(scenario.reference()) && scenario.compared().size() > 1) {
                out.append(" <span class=\"loc\">(reference)</span>");
            }
            out.append("</th>");
        }
        out.append("</tr>\n<tr><th>outcome</th>");
        for (String target : targets()) {
            outcome(scenario.results().get(target));
        }
        out.append("</tr>\n");
        Map<String, String> marks = marks(scenario);
        List<AlignedStep> steps = scenario.steps();
        for (int i = 0; i < steps.size(); i++) {
            AlignedStep step = steps.get(i);
            out.append("<tr id=\"").append(id).append("-").append(i + 1).append("\"><td><strong>")
                    .append(esc(step.keyword())).append("</strong>").append(esc(step.text()));
            if (step.line() > 0) {
                out.append(" <span class=\"loc\">line ").append(step.line()).append("</span>");
            }
            out.append("</td>");
            for (String target : targets()) {
                stepCell(step.byTarget().get(target), scenario.results().containsKey(target), target, i, marks);
            }
            out.append("</tr>\n");
        }
        if (scenario.results().values().stream().anyMatch(r -> !r.artifacts().isEmpty())) {
            out.append("<tr><th>evidence</th>");
            for (String target : targets()) {
                evidence(scenario.results().get(target));
            }
            out.append("</tr>\n");
        }
        out.append("</table>\n</section>\n");
    }

    private void divergenceList(ScenarioComparison scenario, String id) {
        if (scenario.divergences().isEmpty()) {
            return;
        }
        long unexpected = scenario.divergences().stream().filter(d -> !d.expected()).count();
        out.append("<p><strong>").append(unexpected).append(unexpected == 1 ? " divergence" : " divergences")
                .append("</strong> from ").append(esc(scenario.reference()));
        if (unexpected < scenario.divergences().size()) {
            out.append(", ").append(scenario.divergences().size() - unexpected).append(" expected");
        }
        out.append(":</p>\n<ul class=\"divergences\">\n");
        for (Divergence d : scenario.divergences()) {
            out.append("<li class=\"").append(d.expected() ? "div-expected" : "div").append("\"><a href=\"#")
                    .append(id).append("-").append(d.step() + 1).append("\">step ").append(d.step() + 1)
                    .append("</a> ").append(esc(d.stepText())).append(": ").append(esc(d.describe()));
            if (d.expected()) {
                out.append(" &mdash; expected: ").append(esc(d.reason()));
            }
            out.append("</li>\n");
        }
        out.append("</ul>\n");
    }

    /** Target, step, observation and field of every divergence → the CSS class that highlights it. */
    private static Map<String, String> marks(ScenarioComparison scenario) {
        Map<String, String> marks = new HashMap<>();
        for (Divergence d : scenario.divergences()) {
            for (String target : d.values().keySet()) {
                String key = mark(target, d.step(), d.observation(), d.field());
                // An unexpected difference outshines an expected one on the same field.
                marks.merge(key, d.expected() ? "div-expected" : "div", (a, b) -> a.equals("div") ? a : b);
            }
        }
        return marks;
    }

    private static String mark(String target, int step, int observation, String field) {
        return target + "\u0000" + step + "\u0000" + observation + "\u0000" + field;
    }

    private void outcome(ScenarioResult result) {
        if (result == null) {
            out.append("<td class=\"missing\">not run</td>");
            return;
        }
        out.append("<td>").append(badge(result.status(), "")).append(" <span class=\"loc\">")
                .append(String.format(Locale.ROOT, "%.3f s", result.durationNanos() / 1e9)).append("</span>");
        if (result.message() != null) {
            out.append("<div class=\"reason\">").append(esc(result.message())).append("</div>");
        }
        out.append("</td>");
    }

    private void stepCell(StepResult step, boolean ran, String target, int index, Map<String, String> marks) {
        if (step == null) {
            out.append("<td class=\"loc\">").append(ran ? "" : "not run").append("</td>");
            return;
        }
        out.append("<td>").append(badge(step.status(), marks.getOrDefault(mark(target, index, -1, "result"), "")));
        if (step.message() != null && !"PASSED".equals(step.status())) {
            out.append("<div class=\"reason\">").append(esc(step.message())).append("</div>");
        }
        List<Observation> observations = step.observations();
        for (int j = 0; j < observations.size(); j++) {
            observation(observations.get(j), target, index, j, marks);
        }
        out.append("</td>");
    }

    private void observation(Observation o, String target, int step, int index, Map<String, String> marks) {
        out.append("<div class=\"obs\"><div").append(cls(marks.get(mark(target, step, index, "operation"))))
                .append("><strong>").append(esc(o.operation())).append("</strong> <span class=\"loc\">")
                .append(esc(o.phase())).append(" &middot; ")
                .append(String.format(Locale.ROOT, "%.3f ms", o.durationNanos() / 1e6)).append("</span></div>");
        for (Map.Entry<String, String> input : o.inputs().entrySet()) {
            out.append("<div><span class=\"k\">in</span> ").append(esc(input.getKey())).append(" = <code>")
                    .append(esc(input.getValue())).append("</code></div>");
        }
        out.append("<div").append(cls(marks.get(mark(target, step, index, "status"))))
                .append("><span class=\"k\">status</span> <code>")
                .append(o.status() == null ? "(none)" : esc(o.status())).append("</code></div>");
        for (Map.Entry<String, String> output : o.outputs().entrySet()) {
            out.append("<div").append(cls(marks.get(mark(target, step, index, output.getKey()))))
                    .append("><span class=\"k\">out</span> ").append(esc(output.getKey())).append(" = <code>")
                    .append(esc(output.getValue())).append("</code></div>");
        }
        if (o.transcript() != null && !o.transcript().isEmpty()) {
            out.append("<details><summary>transcript</summary><pre>").append(esc(o.transcript()))
                    .append("</pre></details>");
        }
        out.append("</div>");
    }

    private void evidence(ScenarioResult result) {
        out.append("<td>");
        if (result != null) {
            for (Artifact artifact : result.artifacts()) {
                String label = (artifact.name() == null || artifact.name().isBlank() ? "attachment" : artifact.name())
                        + " (" + artifact.mediaType() + ")";
                out.append("<div><a href=\"").append(esc(artifact.file())).append("\">").append(esc(label))
                        .append("</a>");
                if (artifact.mediaType().startsWith("image/")) {
                    out.append("<img class=\"shot\" src=\"").append(esc(artifact.file())).append("\" alt=\"")
                            .append(esc(label)).append("\">");
                }
                out.append("</div>");
            }
        }
        out.append("</td>");
    }

    /** What the comparison looks at, from the rules themselves, so the page cannot disagree with the code. */
    private void rules() {
        if (targets().size() < 2) {
            return;
        }
        out.append("<h2>What is compared</h2>\n<p>For each scenario the steps of every target that did not skip it")
                .append(" are lined up; in each step, whether it passed, and each call's status (or status class)")
                .append(" and outputs as below. Variables are compared only where the scenario named them: the")
                .append(" firmware creates variables of its own. A scenario tagged <code>@differs:TARGET</code>")
                .append(" expects that target to differ: its differences are shown, not counted.</p>\n")
                .append("<table>\n<tr><th>operation</th><th>compared</th></tr>\n");
        for (Map.Entry<String, String> rule : Comparison.rules().entrySet()) {
            out.append("<tr><td>").append(esc(rule.getKey())).append("</td><td>").append(esc(rule.getValue()))
                    .append("</td></tr>\n");
        }
        out.append("</table>\n");
    }

    private static String cls(String cssClass) {
        return cssClass == null || cssClass.isEmpty() ? "" : " class=\"" + cssClass + "\"";
    }

    private String location(ScenarioResult result) {
        return Locations.display(result.featureUri(), workingDir) + ":" + result.line();
    }

    private static String badge(String status, String mark) {
        return "<span class=\"badge " + statusClass(status) + (mark.isEmpty() ? "" : " " + mark) + "\">"
                + esc(status) + "</span>";
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
