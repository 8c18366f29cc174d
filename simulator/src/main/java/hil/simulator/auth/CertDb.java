package hil.simulator.auth;

import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The certificate database of private authenticated variables (certdb for non-volatile ones, certdbv for volatile
 * ones; AuthService.c InsertCertsToDb, FindCertsFromDb, DeleteCertsFromDb): a u32 total size, then one node per
 * variable {VendorGuid 16, CertNodeSize u32, NameSize u32 (characters, no NUL), CertDataSize u32, Name CHAR16,
 * CertData}. CertData is the 32-byte SHA-256 of the signer's common name and the top-level certificate's
 * tbsCertificate.
 */
final class CertDb {

    /** sizeof (AUTH_CERT_DB_DATA): VendorGuid, CertNodeSize, NameSize, CertDataSize. */
    static final int NODE_HEADER = 28;
    static final int LIST_SIZE = 4;

    /** A found node: where it starts in the database and its certificate data. */
    record Node(int offset, int size, byte[] certData) {
    }

    private CertDb() {
    }

    /** An empty database: {@code 04 00 00 00}. */
    static byte[] empty() {
        byte[] b = new byte[LIST_SIZE];
        Bytes.put32(b, 0, LIST_SIZE);
        return b;
    }

    /**
     * FindCertsFromDb: the node of {@code name} (NUL-terminated CHAR16) and {@code vendor}; null when none (or the
     * database is malformed, which EDK II also answers with an error).
     */
    static Node find(byte[] db, byte[] name, EfiGuid vendor) {
        if (db == null || db.length < LIST_SIZE || Bytes.u32(db, 0) != db.length) {
            return null;
        }
        int chars = name.length / 2 - 1;
        int at = LIST_SIZE;
        while (at + NODE_HEADER <= db.length) {
            long nodeSize = Bytes.u32(db, at + 16);
            long nameSize = Bytes.u32(db, at + 20);
            long certSize = Bytes.u32(db, at + 24);
            if (nodeSize < NODE_HEADER || nodeSize > db.length - at
                    || NODE_HEADER + nameSize * 2 + certSize > nodeSize) {
                return null;
            }
            if (vendor.matches(db, at) && nameSize == chars
                    && Arrays.equals(db, at + NODE_HEADER, at + NODE_HEADER + chars * 2, name, 0, chars * 2)) {
                int cert = at + NODE_HEADER + chars * 2;
                return new Node(at, (int) nodeSize, Arrays.copyOfRange(db, cert, cert + (int) certSize));
            }
            at += (int) nodeSize;
        }
        return null;
    }

    /** The database with a node for {@code name} appended (InsertCertsToDb's new content). */
    static byte[] insert(byte[] db, byte[] name, EfiGuid vendor, byte[] certData) {
        int chars = name.length / 2 - 1;
        int nodeSize = NODE_HEADER + chars * 2 + certData.length;
        byte[] node = new byte[nodeSize];
        vendor.write(node, 0);
        Bytes.put32(node, 16, nodeSize);
        Bytes.put32(node, 20, chars);
        Bytes.put32(node, 24, certData.length);
        System.arraycopy(name, 0, node, NODE_HEADER, chars * 2);
        System.arraycopy(certData, 0, node, NODE_HEADER + chars * 2, certData.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(db);
        out.writeBytes(node);
        byte[] merged = out.toByteArray();
        Bytes.put32(merged, 0, merged.length);
        return merged;
    }

    /** The database without {@code node} (DeleteCertsFromDb's new content). */
    static byte[] remove(byte[] db, Node node) {
        byte[] out = new byte[db.length - node.size()];
        System.arraycopy(db, 0, out, 0, node.offset());
        System.arraycopy(db, node.offset() + node.size(), out, node.offset(), db.length - node.offset() - node.size());
        Bytes.put32(out, 0, out.length);
        return out;
    }

    /** A node's variable: NUL-terminated CHAR16 name and vendor. */
    record Entry(byte[] name, EfiGuid vendor) {
    }

    /** The variable of every node, for CleanCertsFromDb. */
    static List<Entry> entries(byte[] db) {
        List<Entry> out = new ArrayList<>();
        if (db == null || db.length < LIST_SIZE || Bytes.u32(db, 0) != db.length) {
            return out;
        }
        int at = LIST_SIZE;
        while (at + NODE_HEADER <= db.length) {
            long nodeSize = Bytes.u32(db, at + 16);
            long nameSize = Bytes.u32(db, at + 20);
            if (nodeSize < NODE_HEADER || nodeSize > db.length - at || NODE_HEADER + nameSize * 2 > nodeSize) {
                break;
            }
            byte[] name = new byte[(int) nameSize * 2 + 2];
            System.arraycopy(db, at + NODE_HEADER, name, 0, (int) nameSize * 2);
            out.add(new Entry(name, EfiGuid.read(db, at)));
            at += (int) nodeSize;
        }
        return out;
    }
}
