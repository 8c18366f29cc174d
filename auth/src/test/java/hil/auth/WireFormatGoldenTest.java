package hil.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * EFI_TIME, EFI_SIGNATURE_LIST and EFI_VARIABLE_AUTHENTICATION_2 bytes pinned against hex written
 * by hand from the layouts in UEFI 2.x / authenticated-variables-facts.md §1.1 and §1.7.
 */
class WireFormatGoldenTest {

    private static final HexFormat HEX = HexFormat.of();

    private static byte[] hex(String spaced) {
        return HEX.parseHex(spaced.replaceAll("#[^\n]*", "").replaceAll("\\s+", ""));
    }

    private static final byte[] OWNER = Guids.bytes(Guids.TEST_OWNER);

    @Test
    void aGuidIsLaidOutWithItsFirstThreeFieldsLittleEndian() {
        assertArrayEquals(hex("9dd2af4a df68 ee49 8aa9 347d375665a7"), Guids.bytes(Guids.CERT_TYPE_PKCS7));
        assertEquals(Guids.CERT_TYPE_PKCS7, Guids.format(Guids.bytes(Guids.CERT_TYPE_PKCS7), 0));
        assertThrows(IllegalArgumentException.class, () -> Guids.bytes("4aafd29d-68df-49ee-8aa9"));
    }

    @Test
    void anEfiTimeIsSixteenBytesWithTheYearLittleEndian() {
        EfiTime time = EfiTime.parse("2024-01-01 00:00:01");
        assertArrayEquals(hex("""
                e807   # Year 2024
                01 01   # Month 1, Day 1
                00 00 01   # Hour 0, Minute 0, Second 1
                00   # Pad1
                00000000   # Nanosecond
                0000   # TimeZone
                00 00   # Daylight, Pad2
                """), time.toBytes());
        assertEquals(time, EfiTime.read(time.toBytes(), 0));
        assertEquals("2024-01-01 00:00:01", time.toString());
        assertThrows(IllegalArgumentException.class, () -> EfiTime.parse("2024-13-01 00:00:00"));
    }

    @Test
    void aNonZeroNanosecondIsKeptAndNotComparedAsEdkIiDoes() {
        EfiTime plain = EfiTime.parse("2024-01-01 00:00:05");
        EfiTime nano = plain.withNanosecond(1);
        assertArrayEquals(hex("e807 01 01 00 00 05 00 01000000 0000 00 00"), nano.toBytes());
        assertEquals(0, plain.compareDateAndTime(nano));
        assertTrue(plain.hasOnlyDateAndTime() && !nano.hasOnlyDateAndTime());
        assertTrue(EfiTime.parse("2024-01-01 00:01:00").compareDateAndTime(plain) > 0);
        assertEquals(nano, EfiTime.parse("2024-01-01 00:00:05.000000001"));
        assertEquals(500_000_000L, EfiTime.parse("2024-01-01 00:00:05.5").nanosecond());
        assertThrows(IllegalArgumentException.class, () -> EfiTime.parse("2024-01-01 00:00:05."));
    }

    @Test
    void aSha256ListOfTheEmptyStringMatchesTheHandWrittenLayout() {
        byte[] expected = hex("""
                2616c4c1 4c50 9240 aca941f936934328   # SignatureType EFI_CERT_SHA256_GUID c1c41626-504c-4092-aca9-41f936934328
                4c000000   # SignatureListSize 76 = 28 + 48
                00000000   # SignatureHeaderSize 0
                30000000   # SignatureSize 48 = owner 16 + digest 32
                dec0a75e 577e 1d4b 9f000000000000a1   # SignatureOwner 5ea7c0de-7e57-4b1d-9f00-0000000000a1
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855   # SHA-256("")
                """);
        assertArrayEquals(expected, SignatureList.sha256Of(OWNER, new byte[0]).toBytes());
    }

    @Test
    void anX509ListHoldsTheCertificateBytesAfterTheOwner() {
        byte[] certificate = hex("300100");
        byte[] expected = hex("""
                a159c0a5 e494 a74a 87b5ab155c2bf072   # SignatureType EFI_CERT_X509_GUID a5c059a1-94e4-4aa7-87b5-ab155c2bf072
                2f000000   # SignatureListSize 47 = 28 + 19
                00000000   # SignatureHeaderSize 0
                13000000   # SignatureSize 19 = owner 16 + certificate 3
                dec0a75e 577e 1d4b 9f000000000000a1   # SignatureOwner
                300100   # the certificate bytes
                """);
        assertArrayEquals(expected, SignatureList.x509(OWNER, certificate).toBytes());
    }

    @Test
    void listsParseBackIntoTheirEntries() {
        SignatureList first = SignatureList.x509(OWNER, hex("3001aa"));
        SignatureList second = SignatureList.sha256Of(OWNER, "x".getBytes(StandardCharsets.US_ASCII));
        List<SignatureList> parsed = SignatureList.parseAll(SignatureList.concat(List.of(first, second)));
        assertEquals(List.of(first, second), parsed);
        assertTrue(parsed.get(0).isOfType(Guids.CERT_X509));
        assertArrayEquals(hex("3001aa"), parsed.get(0).entries().get(0).data());
        assertEquals(List.of(), SignatureList.parseAll(new byte[0]));
    }

    @Test
    void malformedListsNameTheOffsetAndTheProblem() {
        byte[] good = SignatureList.sha256Of(OWNER, new byte[0]).toBytes();
        byte[] twoLists = SignatureList.concat(List.of(SignatureList.sha256Of(OWNER, new byte[0]),
                SignatureList.sha256Of(OWNER, new byte[1])));
        // A truncated second list: its header starts at 76.
        MalformedAuthDataException truncated = assertThrows(MalformedAuthDataException.class,
                () -> SignatureList.parseAll(java.util.Arrays.copyOf(twoLists, 76 + 20)));
        assertEquals(76, truncated.offset());
        // SignatureListSize 77 runs past the 76 bytes.
        byte[] tooLong = good.clone();
        tooLong[16] = 77;
        assertThrows(MalformedAuthDataException.class, () -> SignatureList.parseAll(tooLong));
        // SignatureSize 47 does not divide the 48 bytes of entries.
        byte[] uneven = good.clone();
        uneven[24] = 47;
        MalformedAuthDataException e = assertThrows(MalformedAuthDataException.class,
                () -> SignatureList.parseAll(uneven));
        assertTrue(e.getMessage().contains("SignatureSize 47"), e.getMessage());
        // SignatureListSize 0 would loop forever if accepted.
        byte[] zero = good.clone();
        zero[16] = 0;
        assertThrows(MalformedAuthDataException.class, () -> SignatureList.parseAll(zero));
    }

    @Test
    void anUnsignedDescriptorIsTheTimestampAndA24ByteHeaderBeforeThePayload() {
        byte[] expected = hex("""
                e807 01 01 00 00 01 00 00000000 0000 00 00   # TimeStamp 2024-01-01 00:00:01
                18000000   # AuthInfo.Hdr.dwLength 24: no CertData
                0002   # AuthInfo.Hdr.wRevision 0x0200
                f10e   # AuthInfo.Hdr.wCertificateType 0x0EF1 WIN_CERT_TYPE_EFI_GUID
                9dd2af4a df68 ee49 8aa9347d375665a7   # AuthInfo.CertType EFI_CERT_TYPE_PKCS7_GUID
                010203   # payload
                """);
        byte[] built = VariableAuthentication2.buildUnsigned(EfiTime.parse("2024-01-01 00:00:01"), hex("010203"));
        assertArrayEquals(expected, built);
        VariableAuthentication2 parsed = VariableAuthentication2.parse(built);
        assertEquals(24, parsed.dwLength());
        assertEquals(40, parsed.payloadOffset());
        assertArrayEquals(hex("010203"), parsed.payload());
        assertTrue(parsed.isPkcs7());
        assertEquals(0x0EF1, parsed.certificateType());
    }

    @Test
    void aSignedDescriptorCountsThePkcs7InDwLength() {
        byte[] pkcs7 = hex("3082000102");
        byte[] expected = hex("""
                e807 0c 1f 17 3b 3b 00 00000000 0000 00 00   # TimeStamp 2024-12-31 23:59:59
                1d000000   # dwLength 29 = 24 + 5
                0002 f10e 9dd2af4a df68 ee49 8aa9347d375665a7
                3082000102   # CertData
                aa   # payload
                """);
        byte[] built = VariableAuthentication2.build(EfiTime.parse("2024-12-31 23:59:59"), pkcs7, hex("aa"));
        assertArrayEquals(expected, built);
        VariableAuthentication2 parsed = VariableAuthentication2.parse(built);
        assertArrayEquals(pkcs7, parsed.certData());
        assertEquals(45, parsed.payloadOffset());
        assertArrayEquals(built, parsed.toBytes());
    }

    @Test
    void descriptorsEdkIiRefusesAsTooShortDoNotParse() {
        byte[] unsigned = VariableAuthentication2.buildUnsigned(EfiTime.ZERO, new byte[0]);
        assertThrows(MalformedAuthDataException.class,
                () -> VariableAuthentication2.parse(java.util.Arrays.copyOf(unsigned, 39)));
        byte[] shortLength = unsigned.clone();
        shortLength[16] = 23;
        MalformedAuthDataException e = assertThrows(MalformedAuthDataException.class,
                () -> VariableAuthentication2.parse(shortLength));
        assertEquals(16, e.offset());
        byte[] pastEnd = unsigned.clone();
        pastEnd[16] = 25;
        assertThrows(MalformedAuthDataException.class, () -> VariableAuthentication2.parse(pastEnd));
    }

    @Test
    void theSignedContentIsNameVendorAttributesTimestampAndPayload() {
        byte[] expected = hex("""
                6400 6200   # VariableName "db" in UTF-16LE, no NUL
                cbb219d7 3a3d 9645 a3bcdad00e67656f   # VendorGuid d719b2cb-3d3a-4596-a3bc-dad00e67656f
                67000000   # Attributes NV|BS|RT|AT|APPEND = 0x67
                e807 01 01 00 00 02 00 00000000 0000 00 00   # TimeStamp 2024-01-01 00:00:02
                0102   # payload
                """);
        assertArrayEquals(expected, VariableAuthentication2.signedContent("db",
                Guids.bytes(Guids.IMAGE_SECURITY_DATABASE), 0x67, EfiTime.parse("2024-01-01 00:00:02"),
                hex("0102")));
    }
}
