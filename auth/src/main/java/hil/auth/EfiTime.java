package hil.auth;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * EFI_TIME, the 16-byte timestamp of an EFI_VARIABLE_AUTHENTICATION_2:
 * Year u16, Month, Day, Hour, Minute, Second, Pad1 u8, Nanosecond u32, TimeZone i16, Daylight u8,
 * Pad2 u8. Every field is kept as sent, so a test can build a stamp EDK II refuses (a non-zero
 * Nanosecond or pad: SECURITY_VIOLATION on the signed path, facts §1.3 a).
 */
public record EfiTime(int year, int month, int day, int hour, int minute, int second, int pad1,
                      long nanosecond, int timeZone, int daylight, int pad2) {

    /** Size of EFI_TIME in bytes. */
    public static final int SIZE = 16;

    /** All zero, the stamp efitools' {@code sign-efi-sig-list -a} uses. */
    public static final EfiTime ZERO = new EfiTime(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    private static final DateTimeFormatter TEXT = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss", Locale.ROOT);

    /** A stamp with Nanosecond, TimeZone, Daylight and both pads 0, as time-based writes must be. */
    public static EfiTime of(LocalDateTime time) {
        return new EfiTime(time.getYear(), time.getMonthValue(), time.getDayOfMonth(), time.getHour(),
                time.getMinute(), time.getSecond(), 0, 0, 0, 0, 0);
    }

    /**
     * The feature language's {@code YYYY-MM-DD hh:mm:ss}, optionally followed by {@code .} and up to nine digits of
     * a second that become the Nanosecond field (which EDK II's signed path refuses unless 0).
     *
     * @throws IllegalArgumentException naming the text when it is not that form or not a date
     */
    public static EfiTime parse(String text) {
        String trimmed = text.trim();
        int dot = trimmed.indexOf('.');
        String fraction = dot < 0 ? "" : trimmed.substring(dot + 1);
        if (!fraction.matches("\\d{0,9}") || (dot >= 0 && fraction.isEmpty())) {
            throw new IllegalArgumentException("not a fraction of a second of up to nine digits in \"" + text + "\"");
        }
        try {
            EfiTime time = of(LocalDateTime.parse(dot < 0 ? trimmed : trimmed.substring(0, dot), TEXT));
            return fraction.isEmpty() ? time : time.withNanosecond(Long.parseLong((fraction + "00000000").substring(0, 9)));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a time of the form YYYY-MM-DD hh:mm:ss: \"" + text + "\"", e);
        }
    }

    /** The 16 bytes at {@code offset}; the caller has checked there are 16. */
    public static EfiTime read(byte[] source, int offset) {
        return new EfiTime(LittleEndian.u16(source, offset), source[offset + 2] & 0xFF, source[offset + 3] & 0xFF,
                source[offset + 4] & 0xFF, source[offset + 5] & 0xFF, source[offset + 6] & 0xFF,
                source[offset + 7] & 0xFF, LittleEndian.u32(source, offset + 8),
                (short) LittleEndian.u16(source, offset + 12), source[offset + 14] & 0xFF, source[offset + 15] & 0xFF);
    }

    /** This stamp with another Nanosecond (a test of the rule that it must be 0). */
    public EfiTime withNanosecond(long value) {
        return new EfiTime(year, month, day, hour, minute, second, pad1, value, timeZone, daylight, pad2);
    }

    public byte[] toBytes() {
        byte[] raw = new byte[SIZE];
        LittleEndian.putU16(raw, 0, year);
        raw[2] = (byte) month;
        raw[3] = (byte) day;
        raw[4] = (byte) hour;
        raw[5] = (byte) minute;
        raw[6] = (byte) second;
        raw[7] = (byte) pad1;
        LittleEndian.putU32(raw, 8, nanosecond);
        LittleEndian.putU16(raw, 12, timeZone);
        raw[14] = (byte) daylight;
        raw[15] = (byte) pad2;
        return raw;
    }

    /**
     * True when the stamp satisfies EDK II's "Pad1, Nanosecond, TimeZone, Daylight, Pad2 all 0"
     * rule of the signed path (facts §1.3 a).
     */
    public boolean hasOnlyDateAndTime() {
        return pad1 == 0 && nanosecond == 0 && timeZone == 0 && daylight == 0 && pad2 == 0;
    }

    /**
     * Compares year, month, day, hour, minute and second only, as EDK II's CompareTimeStamp does;
     * Nanosecond and the zone fields are ignored.
     */
    public int compareDateAndTime(EfiTime other) {
        int[] mine = {year, month, day, hour, minute, second};
        int[] theirs = {other.year, other.month, other.day, other.hour, other.minute, other.second};
        for (int i = 0; i < mine.length; i++) {
            if (mine[i] != theirs[i]) {
                return Integer.compare(mine[i], theirs[i]);
            }
        }
        return 0;
    }

    /** {@code YYYY-MM-DD hh:mm:ss}, with the other fields appended when any is non-zero. */
    @Override
    public String toString() {
        String text = String.format(Locale.ROOT, "%04d-%02d-%02d %02d:%02d:%02d", year, month, day, hour, minute,
                second);
        return hasOnlyDateAndTime() ? text
                : text + String.format(Locale.ROOT, " (pad1 %d, nanosecond %d, zone %d, daylight %d, pad2 %d)",
                        pad1, nanosecond, timeZone, daylight, pad2);
    }
}
