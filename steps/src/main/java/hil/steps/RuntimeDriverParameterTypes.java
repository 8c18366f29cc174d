package hil.steps;

import io.cucumber.java.ParameterType;

/** {@code {tpl}}: a task priority level by name ({@code TPL_NOTIFY}) or number ({@code 16}, {@code 0x10}). */
public final class RuntimeDriverParameterTypes {

    @ParameterType(name = "tpl", value = "TPL_APPLICATION|TPL_CALLBACK|TPL_NOTIFY|TPL_HIGH_LEVEL|0[xX][0-9a-fA-F]+|\\d+")
    public Long tpl(String text) {
        return parseTpl(text);
    }

    static long parseTpl(String text) {
        return switch (text) {
            case "TPL_APPLICATION" -> 4;
            case "TPL_CALLBACK" -> 8;
            case "TPL_NOTIFY" -> 16;
            case "TPL_HIGH_LEVEL" -> 31;
            default -> ParameterTypes.parseNumber(text);
        };
    }
}
