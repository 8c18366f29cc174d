package hil.auth;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One EFI_SIGNATURE_LIST (UEFI 2.x §32.4.1, {@code MdePkg/Include/Guid/ImageAuthentication.h}):
 * a 28-byte header {SignatureType GUID, SignatureListSize u32, SignatureHeaderSize u32,
 * SignatureSize u32}, SignatureHeaderSize bytes of header, then entries of SignatureSize bytes,
 * each {SignatureOwner GUID, SignatureData}.
 *
 * <p>{@link #parseAll} checks only the structure (every size fits, entries tile their list,
 * lists tile the data). Which types and sizes a firmware accepts (EDK II's
 * CheckSignatureListFormat) is the firmware model's business, not this parser's.
 */
public record SignatureList(byte[] signatureType, byte[] signatureHeader, int signatureSize, List<Entry> entries) {

    /** Size of the fixed EFI_SIGNATURE_LIST header. */
    public static final int HEADER_SIZE = 28;

    /** One EFI_SIGNATURE_DATA: the owner GUID and the signature data. */
    public record Entry(byte[] owner, byte[] data) {
        public Entry {
            owner = owner.clone();
            data = data.clone();
        }

        @Override
        public byte[] owner() {
            return owner.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Entry entry && Arrays.equals(toBytes(), entry.toBytes());
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(toBytes());
        }

        /** Owner ‖ data, the bytes EDK II's duplicate filter compares. */
        public byte[] toBytes() {
            byte[] raw = Arrays.copyOf(owner, owner.length + data.length);
            System.arraycopy(data, 0, raw, owner.length, data.length);
            return raw;
        }
    }

    public SignatureList {
        signatureType = signatureType.clone();
        signatureHeader = signatureHeader.clone();
        entries = List.copyOf(entries);
        for (Entry entry : entries) {
            if (entry.owner.length != Guids.SIZE || Guids.SIZE + entry.data.length != signatureSize) {
                throw new IllegalArgumentException("entry of " + (entry.owner.length + entry.data.length)
                        + " bytes in a list whose SignatureSize is " + signatureSize);
            }
        }
    }

    /** A list of type EFI_CERT_X509_GUID holding one DER certificate. */
    public static SignatureList x509(byte[] owner, byte[] certificateDer) {
        return new SignatureList(Guids.bytes(Guids.CERT_X509), new byte[0], Guids.SIZE + certificateDer.length,
                List.of(new Entry(owner, certificateDer)));
    }

    /** A list of type EFI_CERT_SHA256_GUID holding one 32-byte digest. */
    public static SignatureList sha256(byte[] owner, byte[] digest) {
        if (digest.length != 32) {
            throw new IllegalArgumentException("a SHA-256 digest has 32 bytes, not " + digest.length);
        }
        return new SignatureList(Guids.bytes(Guids.CERT_SHA256), new byte[0], Guids.SIZE + 32,
                List.of(new Entry(owner, digest)));
    }

    /** A list of type EFI_CERT_SHA256_GUID holding SHA-256 of {@code data}. */
    public static SignatureList sha256Of(byte[] owner, byte[] data) {
        try {
            return sha256(owner, MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JRE has no SHA-256", e);
        }
    }

    @Override
    public byte[] signatureType() {
        return signatureType.clone();
    }

    @Override
    public byte[] signatureHeader() {
        return signatureHeader.clone();
    }

    /** SignatureListSize: the header, the signature header and every entry. */
    public int listSize() {
        return HEADER_SIZE + signatureHeader.length + entries.size() * signatureSize;
    }

    /** True when the list's SignatureType is the GUID given in registry format. */
    public boolean isOfType(String registryFormatGuid) {
        return Arrays.equals(signatureType, Guids.bytes(registryFormatGuid));
    }

    public byte[] toBytes() {
        byte[] raw = new byte[listSize()];
        System.arraycopy(signatureType, 0, raw, 0, Guids.SIZE);
        LittleEndian.putU32(raw, 16, raw.length);
        LittleEndian.putU32(raw, 20, signatureHeader.length);
        LittleEndian.putU32(raw, 24, signatureSize);
        System.arraycopy(signatureHeader, 0, raw, HEADER_SIZE, signatureHeader.length);
        int offset = HEADER_SIZE + signatureHeader.length;
        for (Entry entry : entries) {
            byte[] bytes = entry.toBytes();
            System.arraycopy(bytes, 0, raw, offset, bytes.length);
            offset += bytes.length;
        }
        return raw;
    }

    /** The lists one after the other, as a PK/KEK/db/dbx payload holds them. */
    public static byte[] concat(List<SignatureList> lists) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (SignatureList list : lists) {
            out.writeBytes(list.toBytes());
        }
        return out.toByteArray();
    }

    /**
     * The lists that tile {@code data} (empty data gives no lists).
     *
     * @throws MalformedAuthDataException naming the list's offset when a header does not fit,
     *         SignatureListSize is smaller than its headers or runs past the data, SignatureSize
     *         is smaller than an owner GUID, or the entries do not divide the list evenly
     */
    public static List<SignatureList> parseAll(byte[] data) {
        List<SignatureList> lists = new ArrayList<>();
        int offset = 0;
        while (offset < data.length) {
            int remaining = data.length - offset;
            if (remaining < HEADER_SIZE) {
                throw new MalformedAuthDataException("EFI_SIGNATURE_LIST", offset,
                        remaining + " bytes left, fewer than the 28-byte header");
            }
            long listSize = LittleEndian.u32(data, offset + 16);
            long headerSize = LittleEndian.u32(data, offset + 20);
            long signatureSize = LittleEndian.u32(data, offset + 24);
            if (listSize > remaining) {
                throw new MalformedAuthDataException("EFI_SIGNATURE_LIST", offset,
                        "SignatureListSize " + listSize + " runs past the " + remaining + " bytes left");
            }
            if (listSize < HEADER_SIZE + headerSize) {
                throw new MalformedAuthDataException("EFI_SIGNATURE_LIST", offset, "SignatureListSize " + listSize
                        + " is smaller than 28 + SignatureHeaderSize " + headerSize);
            }
            if (signatureSize < Guids.SIZE) {
                throw new MalformedAuthDataException("EFI_SIGNATURE_LIST", offset,
                        "SignatureSize " + signatureSize + " is smaller than the 16-byte SignatureOwner");
            }
            long entriesSize = listSize - HEADER_SIZE - headerSize;
            if (entriesSize % signatureSize != 0) {
                throw new MalformedAuthDataException("EFI_SIGNATURE_LIST", offset, entriesSize
                        + " bytes of entries are not a multiple of SignatureSize " + signatureSize);
            }
            byte[] type = Arrays.copyOfRange(data, offset, offset + Guids.SIZE);
            int entryOffset = offset + HEADER_SIZE + (int) headerSize;
            byte[] header = Arrays.copyOfRange(data, offset + HEADER_SIZE, entryOffset);
            List<Entry> entries = new ArrayList<>();
            for (long i = 0; i < entriesSize / signatureSize; i++) {
                int start = entryOffset + (int) (i * signatureSize);
                entries.add(new Entry(Arrays.copyOfRange(data, start, start + Guids.SIZE),
                        Arrays.copyOfRange(data, start + Guids.SIZE, start + (int) signatureSize)));
            }
            lists.add(new SignatureList(type, header, (int) signatureSize, entries));
            offset += (int) listSize;
        }
        return lists;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SignatureList list && Arrays.equals(toBytes(), list.toBytes());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toBytes());
    }

    @Override
    public String toString() {
        return "EFI_SIGNATURE_LIST(" + Guids.format(signatureType, 0) + ", " + entries.size() + " × "
                + signatureSize + " bytes)";
    }
}
