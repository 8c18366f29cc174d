package hil.auth;

import java.util.Arrays;

/**
 * EFI_VARIABLE_AUTHENTICATION_2 followed by the payload, the Data of a time-based authenticated
 * SetVariable (facts §1.1):
 * <pre>
 *   0  16  TimeStamp (EFI_TIME)
 *  16   4  AuthInfo.Hdr.dwLength = 24 + length of CertData
 *  20   2  AuthInfo.Hdr.wRevision (0x0200)
 *  22   2  AuthInfo.Hdr.wCertificateType (0x0EF1 = WIN_CERT_TYPE_EFI_GUID)
 *  24  16  AuthInfo.CertType (EFI_CERT_TYPE_PKCS7_GUID)
 *  40   n  AuthInfo.CertData (DER SignedData; n = dwLength - 24)
 *  40+n    payload, what GetVariable returns afterwards
 * </pre>
 * Parsing keeps every header field as sent: whether wRevision, wCertificateType or CertType are
 * acceptable is for the firmware model to decide.
 */
public record VariableAuthentication2(EfiTime timeStamp, long dwLength, int revision, int certificateType,
                                      byte[] certType, byte[] certData, byte[] payload) {

    /** Offset of AuthInfo (WIN_CERTIFICATE_UEFI_GUID). */
    public static final int AUTH_INFO_OFFSET = EfiTime.SIZE;
    /** Size of WIN_CERTIFICATE_UEFI_GUID without CertData: the smallest valid dwLength. */
    public static final int CERT_HEADER_SIZE = 24;
    /** Size of the descriptor with no CertData: EFI_TIME plus the certificate header. */
    public static final int MIN_SIZE = AUTH_INFO_OFFSET + CERT_HEADER_SIZE;
    /** wRevision by convention (never checked by EDK II). */
    public static final int WIN_CERT_REVISION = 0x0200;
    /** WIN_CERT_TYPE_EFI_GUID. */
    public static final int WIN_CERT_TYPE_EFI_GUID = 0x0EF1;

    public VariableAuthentication2 {
        certType = certType.clone();
        certData = certData.clone();
        payload = payload.clone();
    }

    /** Timestamp ‖ header (dwLength 24 + pkcs7) ‖ PKCS#7 ‖ payload: a signed write. */
    public static byte[] build(EfiTime timeStamp, byte[] signedData, byte[] payload) {
        return new VariableAuthentication2(timeStamp, CERT_HEADER_SIZE + (long) signedData.length, WIN_CERT_REVISION,
                WIN_CERT_TYPE_EFI_GUID, Guids.bytes(Guids.CERT_TYPE_PKCS7), signedData, payload).toBytes();
    }

    /**
     * Timestamp ‖ the 24-byte header with no PKCS#7 (dwLength 24) ‖ payload: the "without a
     * signature" form that setup and custom mode accept (EDK II's EnrollDefaultKeys sends it).
     */
    public static byte[] buildUnsigned(EfiTime timeStamp, byte[] payload) {
        return build(timeStamp, new byte[0], payload);
    }

    /**
     * The descriptor and payload of {@code data}.
     *
     * @throws MalformedAuthDataException when data is shorter than 40 bytes, dwLength is below
     *         24, or dwLength runs past the data (EDK II answers all three with SECURITY_VIOLATION)
     */
    public static VariableAuthentication2 parse(byte[] data) {
        if (data.length < MIN_SIZE) {
            throw new MalformedAuthDataException("EFI_VARIABLE_AUTHENTICATION_2", 0,
                    data.length + " bytes, fewer than the 40-byte descriptor");
        }
        long dwLength = LittleEndian.u32(data, AUTH_INFO_OFFSET);
        if (dwLength < CERT_HEADER_SIZE) {
            throw new MalformedAuthDataException("EFI_VARIABLE_AUTHENTICATION_2", AUTH_INFO_OFFSET,
                    "dwLength " + dwLength + " is smaller than the 24-byte certificate header");
        }
        if (dwLength > data.length - AUTH_INFO_OFFSET) {
            throw new MalformedAuthDataException("EFI_VARIABLE_AUTHENTICATION_2", AUTH_INFO_OFFSET,
                    "dwLength " + dwLength + " runs past the " + (data.length - AUTH_INFO_OFFSET) + " bytes after the timestamp");
        }
        int payloadOffset = AUTH_INFO_OFFSET + (int) dwLength;
        return new VariableAuthentication2(EfiTime.read(data, 0), dwLength,
                LittleEndian.u16(data, AUTH_INFO_OFFSET + 4), LittleEndian.u16(data, AUTH_INFO_OFFSET + 6),
                Arrays.copyOfRange(data, AUTH_INFO_OFFSET + 8, MIN_SIZE),
                Arrays.copyOfRange(data, MIN_SIZE, payloadOffset),
                Arrays.copyOfRange(data, payloadOffset, data.length));
    }

    @Override
    public byte[] certType() {
        return certType.clone();
    }

    @Override
    public byte[] certData() {
        return certData.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** Offset of the payload in the Data: 16 + dwLength. */
    public int payloadOffset() {
        return AUTH_INFO_OFFSET + (int) dwLength;
    }

    /** True when CertType is EFI_CERT_TYPE_PKCS7_GUID. */
    public boolean isPkcs7() {
        return Arrays.equals(certType, Guids.bytes(Guids.CERT_TYPE_PKCS7));
    }

    public byte[] toBytes() {
        byte[] raw = new byte[MIN_SIZE + certData.length + payload.length];
        System.arraycopy(timeStamp.toBytes(), 0, raw, 0, EfiTime.SIZE);
        LittleEndian.putU32(raw, AUTH_INFO_OFFSET, dwLength);
        LittleEndian.putU16(raw, AUTH_INFO_OFFSET + 4, revision);
        LittleEndian.putU16(raw, AUTH_INFO_OFFSET + 6, certificateType);
        System.arraycopy(certType, 0, raw, AUTH_INFO_OFFSET + 8, Guids.SIZE);
        System.arraycopy(certData, 0, raw, MIN_SIZE, certData.length);
        System.arraycopy(payload, 0, raw, MIN_SIZE + certData.length, payload.length);
        return raw;
    }

    /**
     * The detached content a time-based signature covers (facts §1.1, EDK II VerifyTimeBasedPayload):
     * VariableName in UTF-16LE without the NUL ‖ VendorGuid (16 bytes) ‖ Attributes (u32 LE,
     * APPEND included) ‖ TimeStamp ‖ payload.
     */
    public static byte[] signedContent(String name, byte[] vendorGuid, long attributes, EfiTime timeStamp,
                                       byte[] payload) {
        if (vendorGuid.length != Guids.SIZE) {
            throw new IllegalArgumentException("a vendor GUID has 16 bytes, not " + vendorGuid.length);
        }
        byte[] nameBytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
        byte[] raw = new byte[nameBytes.length + Guids.SIZE + 4 + EfiTime.SIZE + payload.length];
        int offset = 0;
        System.arraycopy(nameBytes, 0, raw, offset, nameBytes.length);
        offset += nameBytes.length;
        System.arraycopy(vendorGuid, 0, raw, offset, Guids.SIZE);
        offset += Guids.SIZE;
        LittleEndian.putU32(raw, offset, attributes);
        offset += 4;
        System.arraycopy(timeStamp.toBytes(), 0, raw, offset, EfiTime.SIZE);
        offset += EfiTime.SIZE;
        System.arraycopy(payload, 0, raw, offset, payload.length);
        return raw;
    }
}
