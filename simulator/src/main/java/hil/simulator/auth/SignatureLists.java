package hil.simulator.auth;

import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * EFI_SIGNATURE_LIST handling of AuthService.c (2022.11): CheckSignatureListFormat, FilterSignatureList and the
 * certificate look-ups of VerifyTimeBasedPayload. A list is a 28-byte header {SignatureType, SignatureListSize,
 * SignatureHeaderSize, SignatureSize}, SignatureHeaderSize bytes, then entries of SignatureSize bytes, each a
 * 16-byte owner GUID and the signature data.
 */
final class SignatureLists {

    static final int HEADER = 28;
    private static final int OWNER = EfiGuid.SIZE;
    /** X509 has no fixed size (~0 in mSupportSigItem). */
    private static final int ANY = -1;

    /** mSupportSigItem: the accepted types and their data sizes (SignatureSize − 16); every header size is 0. */
    private static final Map<EfiGuid, Integer> SUPPORTED = Map.ofEntries(
            Map.entry(SecureBootNames.CERT_SHA256, 32),
            Map.entry(SecureBootNames.CERT_RSA2048, 256),
            Map.entry(SecureBootNames.CERT_RSA2048_SHA256, 256),
            Map.entry(SecureBootNames.CERT_SHA1, 20),
            Map.entry(SecureBootNames.CERT_RSA2048_SHA1, 256),
            Map.entry(SecureBootNames.CERT_X509, ANY),
            Map.entry(SecureBootNames.CERT_SHA224, 28),
            Map.entry(SecureBootNames.CERT_SHA384, 48),
            Map.entry(SecureBootNames.CERT_SHA512, 64),
            Map.entry(SecureBootNames.CERT_X509_SHA256, 48),
            Map.entry(SecureBootNames.CERT_X509_SHA384, 64),
            Map.entry(SecureBootNames.CERT_X509_SHA512, 80));

    private SignatureLists() {
    }

    /**
     * CheckSignatureListFormat for PK, KEK, db, dbx and dbt (anything else, and an empty payload, passes):
     * INVALID_PARAMETER for an unknown type, a data size that does not fit the type, a non-zero header size, an X509
     * list whose first certificate has no RSA key, entries that do not divide the list, lists that do not tile the
     * payload, or more than one entry in PK.
     *
     * <p>EDK II reads headers without bounds checks; where it would read past the payload (a list shorter than its
     * header, a zero SignatureSize) this answers INVALID_PARAMETER, the answer its tiling check gives once the walk
     * stops.
     */
    static EfiStatus checkFormat(byte[] name, EfiGuid vendor, byte[] payload, Pkcs7 crypto) {
        if (payload.length == 0) {
            return EfiStatus.SUCCESS;
        }
        boolean isPk = SecureBootNames.isPk(name, vendor);
        if (!isPk && !SecureBootNames.isKek(name, vendor) && !SecureBootNames.isImageDb(name, vendor)) {
            return EfiStatus.SUCCESS;
        }
        long count = 0;
        int at = 0;
        while (payload.length - at >= HEADER) {
            long listSize = Bytes.u32(payload, at + 16);
            if (listSize > payload.length - at) {
                break;
            }
            EfiGuid type = EfiGuid.read(payload, at);
            long headerSize = Bytes.u32(payload, at + 20);
            long signatureSize = Bytes.u32(payload, at + 24);
            Integer dataSize = SUPPORTED.get(type);
            if (dataSize == null || headerSize != 0) {
                return EfiStatus.INVALID_PARAMETER;
            }
            if (dataSize != ANY && signatureSize - OWNER != dataSize) {
                return EfiStatus.INVALID_PARAMETER;
            }
            if (listSize < HEADER || signatureSize == 0) {
                return EfiStatus.INVALID_PARAMETER;
            }
            if (type.equals(SecureBootNames.CERT_X509)) {
                long certEnd = at + HEADER + signatureSize;
                if (signatureSize <= OWNER || certEnd > at + listSize
                        || !crypto.hasRsaPublicKey(Arrays.copyOfRange(payload, at + HEADER + OWNER, (int) certEnd))) {
                    return EfiStatus.INVALID_PARAMETER;
                }
            }
            if ((listSize - HEADER) % signatureSize != 0) {
                return EfiStatus.INVALID_PARAMETER;
            }
            count += (listSize - HEADER) / signatureSize;
            at += (int) listSize;
        }
        if (at != payload.length) {
            return EfiStatus.INVALID_PARAMETER;
        }
        return isPk && count > 1 ? EfiStatus.INVALID_PARAMETER : EfiStatus.SUCCESS;
    }

    /**
     * One well-formed list of a signature database: its type, SignatureSize, entries (owner included) and its header
     * bytes as they stand (the 28-byte header and the HeaderSize bytes after it).
     */
    record SigList(EfiGuid type, int signatureSize, List<byte[]> entries, byte[] header) {
    }

    /** The lists of a stored database, as far as they parse (headers within bounds, entries whole). */
    static List<SigList> parse(byte[] data) {
        List<SigList> out = new ArrayList<>();
        int at = 0;
        while (data.length - at >= HEADER) {
            long listSize = Bytes.u32(data, at + 16);
            long headerSize = Bytes.u32(data, at + 20);
            long signatureSize = Bytes.u32(data, at + 24);
            if (listSize < HEADER || listSize > data.length - at || signatureSize == 0
                    || HEADER + headerSize > listSize) {
                break;
            }
            List<byte[]> entries = new ArrayList<>();
            long n = (listSize - HEADER - headerSize) / signatureSize;
            int entry = (int) (at + HEADER + headerSize);
            for (long i = 0; i < n; i++, entry += (int) signatureSize) {
                entries.add(Arrays.copyOfRange(data, entry, entry + (int) signatureSize));
            }
            out.add(new SigList(EfiGuid.read(data, at), (int) signatureSize, entries,
                    Arrays.copyOfRange(data, at, (int) (at + HEADER + headerSize))));
            at += (int) listSize;
        }
        return out;
    }

    /**
     * The first certificate of the first list (the signature data of its first entry, owner GUID skipped), read as
     * VerifyTimeBasedPayload reads PK or a new PK payload: whatever the list's type. Null when there is none.
     */
    static byte[] firstCertificate(byte[] data) {
        if (data.length < HEADER) {
            return null;
        }
        long headerSize = Bytes.u32(data, 20);
        long signatureSize = Bytes.u32(data, 24);
        long start = HEADER + headerSize + OWNER;
        long end = HEADER + headerSize + signatureSize;
        if (signatureSize <= OWNER || end > data.length) {
            return null;
        }
        return Arrays.copyOfRange(data, (int) start, (int) end);
    }

    /** Every X509 certificate of a database, in order (the KEK walk of VerifyTimeBasedPayload). */
    static List<byte[]> x509Certificates(byte[] data) {
        List<byte[]> out = new ArrayList<>();
        for (SigList list : parse(data)) {
            if (list.type().equals(SecureBootNames.CERT_X509)) {
                for (byte[] e : list.entries()) {
                    out.add(Arrays.copyOfRange(e, OWNER, e.length));
                }
            }
        }
        return out;
    }

    /**
     * FilterSignatureList: drops from the new lists every entry byte-equal (owner included) to an entry of a stored
     * list of the same type and SignatureSize; lists left empty disappear, the others shrink.
     */
    static byte[] filter(byte[] stored, byte[] appended) {
        List<SigList> old = parse(stored);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (SigList list : parse(appended)) {
            ByteArrayOutputStream kept = new ByteArrayOutputStream();
            for (byte[] e : list.entries()) {
                if (!contains(old, list.type(), list.signatureSize(), e)) {
                    kept.writeBytes(e);
                }
            }
            if (kept.size() > 0) {
                byte[] header = list.header().clone();
                Bytes.put32(header, 16, header.length + (long) kept.size());
                out.writeBytes(header);
                out.writeBytes(kept.toByteArray());
            }
        }
        return out.toByteArray();
    }

    private static boolean contains(List<SigList> lists, EfiGuid type, int signatureSize, byte[] entry) {
        for (SigList l : lists) {
            if (l.type().equals(type) && l.signatureSize() == signatureSize) {
                for (byte[] e : l.entries()) {
                    if (Arrays.equals(e, entry)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
