package hil.simulator.store;

import hil.simulator.Profile;
import hil.simulator.flash.NorFlash;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static hil.simulator.store.FtwWorkingBlockHeader.WORKING_BLOCK_INVALID;
import static hil.simulator.store.FtwWorkingBlockHeader.WORKING_BLOCK_VALID;
import static hil.simulator.store.FtwWriteHeader.COMPLETE;
import static hil.simulator.store.FtwWriteHeader.HEADER_ALLOCATED;
import static hil.simulator.store.FtwWriteHeader.NUMBER_OF_WRITES;
import static hil.simulator.store.FtwWriteHeader.PRIVATE_DATA_SIZE;
import static hil.simulator.store.FtwWriteHeader.WRITES_ALLOCATED;
import static hil.simulator.store.FtwWriteRecord.BOOT_BLOCK_UPDATE;
import static hil.simulator.store.FtwWriteRecord.DESTINATION_COMPLETE;
import static hil.simulator.store.FtwWriteRecord.SPARE_COMPLETE;

/**
 * The fault-tolerant write driver of OVMF's SMM build (FaultTolerantWriteSmm, reference 4.8) on the VARS flash. The
 * working space keeps a queue of write headers and records; during a write the spare area holds a complete copy of
 * the new content of the target blocks while those are erased and rewritten, so a power cut leaves either the old or
 * the new content. Every step is a {@link NorFlash} program or erase, in the order of edk2-stable202211: one FVB Write
 * is one program operation, never crossing a block.
 *
 * <p>{@link #start} is the driver's start-up: it restores or re-creates a broken working space and finishes or
 * abandons the write a power cut interrupted, before the variable driver reads its store. Like the driver, the
 * model works on an in-memory copy of the working space and re-reads it from flash before each service; a header or
 * record a torn write left behind is interpreted with the same wrapping 64-bit arithmetic, and bytes the firmware
 * would read past the end of its copy read as erased here.
 */
public final class FaultTolerantWrite {

    /**
     * The CallerId the driver writes into the headers it allocates for itself: gEfiCallerIdGuid of the SMM driver,
     * i.e. the FILE_GUID of MdeModulePkg/Universal/FaultTolerantWriteDxe/FaultTolerantWriteSmm.inf (the DXE-only
     * build, FaultTolerantWriteDxe.inf, has FE5CEA76-4F72-49E8-986F-2CD899DFFE5D instead).
     */
    public static final EfiGuid CALLER_ID = EfiGuid.parse("470CB248-E8AC-473C-BB4F-81069A1FE6FD");

    /** What start-up did, in order. */
    public enum Recovery {
        /** The working space was invalid; the valid copy in the spare area was flushed back to it. */
        WORKING_BLOCK_RESTORED_FROM_SPARE,
        /** The working space and its spare copy were both invalid; an empty working space was written. */
        WORKING_BLOCK_REINITIALISED,
        /** The last write never completed its spare copy: its target is untouched, the header was marked Complete. */
        WRITE_ABORTED,
        /** The last write reached its target but not its header's Complete flag; only the flag was set. */
        COMPLETE_FLAG_SET,
        /** Bytes after the last queued write were not erased; the working space was rewritten without them. */
        WORK_SPACE_RECLAIMED,
        /** The spare copy was complete but the target was not: the spare was copied to the target again. */
        WRITE_RESTARTED
    }

    private static final int ERASED = 0xFF;

    private final NorFlash flash;
    private final FtwLayout layout;
    private final byte[] validHeader;
    /** FtwWorkSpace: the driver's in-memory copy of the working space. */
    private final byte[] ws;
    /** FtwLastWriteHeader, an offset into {@link #ws}: the first queue entry without Complete. */
    private int lastHeader;
    /** FtwLastWriteRecord, an offset into {@link #ws}; past its end only after a torn header. */
    private long lastRecord;
    private final List<Recovery> recovery = new ArrayList<>();

    private FaultTolerantWrite(NorFlash flash, FtwLayout layout) {
        if ((long) layout.spare() + layout.spareSize() > flash.size() || layout.blockSize() != flash.blockSize()) {
            throw new IllegalArgumentException("FTW spare area ends at 0x" + Integer.toHexString(layout.spare()
                    + layout.spareSize()) + " with blocks of 0x" + Integer.toHexString(layout.blockSize())
                    + "; the flash has 0x" + Integer.toHexString(flash.size()) + " bytes in blocks of 0x"
                    + Integer.toHexString(flash.blockSize()));
        }
        this.flash = flash;
        this.layout = layout;
        this.validHeader = FtwWorkingBlockHeader.valid(layout.workSpaceSize());
        this.ws = new byte[layout.workSpaceSize()];
    }

    /** Starts the driver on the VARS flash of {@code profile}: start-up recovery runs first. */
    public static FaultTolerantWrite start(NorFlash flash, Profile profile) {
        return start(flash, FtwLayout.of(profile));
    }

    static FaultTolerantWrite start(NorFlash flash, FtwLayout layout) {
        FaultTolerantWrite ftw = new FaultTolerantWrite(flash, layout);
        ftw.initialise();
        return ftw;
    }

    /** What start-up did; empty when the working space was clean and no write was pending. */
    public List<Recovery> recovery() {
        return List.copyOf(recovery);
    }

    FtwLayout layout() {
        return layout;
    }

    // ---- start-up (InitFtwProtocol) ------------------------------------------------------------------------

    private void initialise() {
        // The 2022.11 driver only asserts on this status; a refresh that fails leaves the checks below to repair.
        refresh();
        if (!FtwWorkingBlockHeader.isValid(ws, 0, validHeader)) {
            System.arraycopy(flash.view(), layout.spare(), ws, 0, ws.length);
            if (FtwWorkingBlockHeader.isValid(ws, 0, validHeader)) {
                flushSpareToWorkingBlock();
                abort();
                refresh();
                recovery.add(Recovery.WORKING_BLOCK_RESTORED_FROM_SPARE);
            } else {
                Arrays.fill(ws, (byte) ERASED);
                System.arraycopy(validHeader, 0, ws, 0, validHeader.length);
                reclaimWorkSpace(false);
                recovery.add(Recovery.WORKING_BLOCK_REINITIALISED);
            }
        }
        if (flagSet(lastHeader, HEADER_ALLOCATED) && !flagSet(lastRecord, SPARE_COMPLETE)
                && lastRecord == lastHeader + FtwWriteHeader.SIZE) {
            abort();
            recovery.add(Recovery.WRITE_ABORTED);
        }
        if (!flagSet(lastHeader, COMPLETE) && flagSet(lastRecord, DESTINATION_COMPLETE) && isLastRecord(lastHeader, lastRecord)) {
            abort();
            recovery.add(Recovery.COMPLETE_FLAG_SET);
        }
        long end = lastHeader;
        if (wsByte(end) != ERASED) {
            end += FtwWriteHeader.totalSize(wsU64(lastHeader + NUMBER_OF_WRITES), wsU64(lastHeader + PRIVATE_DATA_SIZE));
        }
        if (!erasedFrom(end)) {
            reclaimWorkSpace(true);
            recovery.add(Recovery.WORK_SPACE_RECLAIMED);
        }
        if (!flagSet(lastHeader, COMPLETE) && flagSet(lastRecord, SPARE_COMPLETE)) {
            if (flagSet(lastRecord, BOOT_BLOCK_UPDATE)) {
                throw new IllegalStateException("the pending FTW write at working-space offset 0x"
                        + Long.toHexString(lastRecord) + " is a boot-block update, which OVMF never makes and this model does not know");
            }
            long target = layout.spare() + wsU64(lastRecord + FtwWriteRecord.RELATIVE_OFFSET);
            if (target >= 0 && target < flash.size()) {
                restart();
                recovery.add(Recovery.WRITE_RESTARTED);
            }
            abort();
        }
    }

    // ---- FtwWrite ------------------------------------------------------------------------------------------

    /**
     * Writes {@code data} at byte {@code offset} of block {@code lba} in a fault-tolerant manner (FtwWrite with no
     * private data): allocates a queue entry if the last one is free, records the target, copies the merged new
     * content of the target blocks to the spare area, marks SpareComplete, erases and rewrites the target from the
     * spare, marks DestinationComplete and Complete, and finally restores the spare area's previous content.
     *
     * @return SUCCESS, or the status the driver returns: BAD_BUFFER_SIZE when the target blocks do not fit the
     *         spare area; ACCESS_DENIED, NOT_READY or ABORTED when the queue is not in a state to accept a write
     */
    EfiStatus write(long lba, long offset, byte[] data) {
        if (refresh() != EfiStatus.SUCCESS) {
            return EfiStatus.ABORTED;
        }
        int header = lastHeader;
        long record = lastRecord;
        if (isErased(header, FtwWriteHeader.SIZE)) {
            EfiStatus allocated = allocate(CALLER_ID, 0, 1);
            if (allocated != EfiStatus.SUCCESS) {
                return allocated;
            }
        }
        long privateDataSize = wsU64(header + PRIVATE_DATA_SIZE);
        if (Long.compareUnsigned(record - header,
                FtwWriteHeader.totalSize(wsU64(header + NUMBER_OF_WRITES) - 1, privateDataSize)) > 0) {
            return EfiStatus.ACCESS_DENIED;
        }
        if (flagSet(header, COMPLETE) || flagSet(record, DESTINATION_COMPLETE)) {
            return EfiStatus.ACCESS_DENIED;
        }
        if (flagSet(record, SPARE_COMPLETE)) {
            return EfiStatus.NOT_READY;
        }
        int blockSize = layout.blockSize();
        long writeLength = ceilBlocks(offset + data.length) * blockSize;
        if (writeLength > layout.spareSize()) {
            return EfiStatus.BAD_BUFFER_SIZE;
        }
        long targetStart = lba * blockSize;
        if (lba < 0 || targetStart + writeLength > flash.size() || layout.isWorkingBlock(lba)) {
            throw new IllegalArgumentException("FTW target LBA 0x" + Long.toHexString(lba) + " + 0x"
                    + Long.toHexString(writeLength) + " bytes is not a data range of the VARS flash");
        }
        requireInWorkSpace(record, FtwWriteRecord.size(privateDataSize));
        int r = (int) record;
        Bytes.put64(ws, r + FtwWriteRecord.LBA, lba);
        Bytes.put64(ws, r + FtwWriteRecord.OFFSET, offset);
        Bytes.put64(ws, r + FtwWriteRecord.LENGTH, data.length);
        Bytes.put64(ws, r + FtwWriteRecord.RELATIVE_OFFSET, targetStart - layout.spare());
        writeWorkSpaceData(r, (int) FtwWriteRecord.size(privateDataSize));

        byte[] merged = flash.read((int) targetStart, (int) writeLength);
        System.arraycopy(data, 0, merged, (int) offset, data.length);
        byte[] spareBackup = flash.read(layout.spare(), layout.spareSize());
        eraseSpare();
        writeSpare(merged, merged.length);
        updateState(layout.workSpace() + r, SPARE_COMPLETE);
        ws[r] &= (byte) ~SPARE_COMPLETE;

        writeRecord();

        eraseSpare();
        writeSpare(spareBackup, spareBackup.length);
        return EfiStatus.SUCCESS;
    }

    /** FtwAllocate: writes a new queue header with HeaderAllocated, then sets WritesAllocated. */
    private EfiStatus allocate(EfiGuid callerId, long privateDataSize, long numberOfWrites) {
        if (refresh() != EfiStatus.SUCCESS) {
            return EfiStatus.ABORTED;
        }
        long total = FtwWriteHeader.totalSize(numberOfWrites, privateDataSize);
        if (Long.compareUnsigned(total, wsU64(FtwWorkingBlockHeader.WRITE_QUEUE_SIZE)) > 0) {
            return EfiStatus.BUFFER_TOO_SMALL;
        }
        int header = lastHeader;
        if (flagSet(header, HEADER_ALLOCATED) || flagSet(header, WRITES_ALLOCATED)) {
            return EfiStatus.ACCESS_DENIED;
        }
        if (Long.compareUnsigned(header + total, ws.length) > 0) {
            reclaimWorkSpace(true);
            header = lastHeader;
        }
        requireInWorkSpace(header, FtwWriteHeader.SIZE);
        ws[header] = (byte) ((ws[header] | WRITES_ALLOCATED | COMPLETE) & ~HEADER_ALLOCATED);
        callerId.write(ws, header + FtwWriteHeader.CALLER_ID);
        Bytes.put64(ws, header + NUMBER_OF_WRITES, numberOfWrites);
        Bytes.put64(ws, header + PRIVATE_DATA_SIZE, privateDataSize);
        writeWorkSpaceData(header, FtwWriteHeader.SIZE);
        updateState(layout.workSpace() + header, WRITES_ALLOCATED);
        return EfiStatus.SUCCESS;
    }

    /**
     * FtwWriteRecord: the spare area already holds the new content, so this completes the write whatever happened:
     * erase the target blocks, copy the spare to them, set DestinationComplete, and Complete on the last record.
     */
    private void writeRecord() {
        int header = lastHeader;
        long record = lastRecord;
        long lba = wsU64(record + FtwWriteRecord.LBA);
        long blocks = ceilBlocks(wsU64(record + FtwWriteRecord.OFFSET) + wsU64(record + FtwWriteRecord.LENGTH));
        if (layout.isWorkingBlock(lba)) {
            throw new IllegalStateException("the FTW record at working-space offset 0x" + Long.toHexString(record)
                    + " targets the working block itself, which the variable driver never does and this model does not know");
        }
        long start = lba * layout.blockSize();
        long length = blocks * layout.blockSize();
        if (lba < 0 || blocks < 0 || length > layout.spareSize() || start + length > flash.size()) {
            throw new IllegalStateException("the FTW record at working-space offset 0x" + Long.toHexString(record)
                    + " targets LBA 0x" + Long.toHexString(lba) + " + 0x" + Long.toHexString(blocks)
                    + " blocks, outside the VARS flash");
        }
        byte[] spare = flash.read(layout.spare(), layout.spareSize());
        flash.erase((int) start, (int) length);
        for (int i = 0; i < blocks; i++) {
            programBlock((int) start + i * layout.blockSize(), spare, i * layout.blockSize());
        }
        updateState(layout.workSpace() + (int) record, DESTINATION_COMPLETE);
        ws[(int) record] &= (byte) ~DESTINATION_COMPLETE;
        if (isLastRecord(header, record)) {
            updateState(layout.workSpace() + header, COMPLETE);
            ws[header] &= (byte) ~COMPLETE;
        }
    }

    /** FtwRestart: completes the pending write from the spare copy; the spare is erased, not restored. */
    private EfiStatus restart() {
        if (refresh() != EfiStatus.SUCCESS) {
            return EfiStatus.ABORTED;
        }
        if (flagSet(lastHeader, COMPLETE) || flagSet(lastRecord, DESTINATION_COMPLETE)) {
            return EfiStatus.ACCESS_DENIED;
        }
        if (!flagSet(lastRecord, SPARE_COMPLETE)) {
            return EfiStatus.ABORTED;
        }
        writeRecord();
        eraseSpare();
        return EfiStatus.SUCCESS;
    }

    /** FtwAbort: marks the last allocated, unfinished header Complete. */
    private EfiStatus abort() {
        if (refresh() != EfiStatus.SUCCESS) {
            return EfiStatus.ABORTED;
        }
        if (!flagSet(lastHeader, HEADER_ALLOCATED) || flagSet(lastHeader, COMPLETE)) {
            return EfiStatus.NOT_FOUND;
        }
        updateState(layout.workSpace() + lastHeader, COMPLETE);
        ws[lastHeader] &= (byte) ~COMPLETE;
        return EfiStatus.SUCCESS;
    }

    // ---- working space -------------------------------------------------------------------------------------

    /**
     * WorkSpaceRefresh (2022.11): re-reads the working space and finds the last header and record; reclaims the
     * working space when the walk runs off its end or less than one header and record fit after the last header.
     */
    private EfiStatus refresh() {
        readWorkSpace();
        boolean found = findLastHeader();
        if (!found || ws.length - lastHeader < FtwWriteHeader.SIZE + FtwWriteRecord.SIZE) {
            reclaimWorkSpace(true);
            readWorkSpace();
            if (!findLastHeader()) {
                return EfiStatus.ABORTED;
            }
        }
        findLastRecord();
        return EfiStatus.SUCCESS;
    }

    private void readWorkSpace() {
        System.arraycopy(flash.view(), layout.workSpace(), ws, 0, ws.length);
    }

    /** FtwGetLastWriteHeader (2022.11): skips Complete headers; false when the walk leaves the working space. */
    private boolean findLastHeader() {
        long header = FtwWorkingBlockHeader.SIZE;
        for (int guard = 0; flagSet(header, COMPLETE); guard++) {
            long next = header + FtwWriteHeader.totalSize(wsU64(header + NUMBER_OF_WRITES), wsU64(header + PRIVATE_DATA_SIZE));
            if (Long.compareUnsigned(next, ws.length) >= 0) {
                lastHeader = (int) header;
                return false;
            }
            if (guard > ws.length) {
                throw loops("write headers", header);
            }
            header = next;
        }
        lastHeader = (int) header;
        return true;
    }

    /** FtwGetLastWriteRecord: the first record of the last header without DestinationComplete, else its last record. */
    private void findLastRecord() {
        long writes = wsU64(lastHeader + NUMBER_OF_WRITES);
        long privateDataSize = wsU64(lastHeader + PRIVATE_DATA_SIZE);
        long record = lastHeader + FtwWriteHeader.SIZE;
        for (long index = 0; Long.compareUnsigned(index, writes) < 0; index++) {
            if (!flagSet(record, DESTINATION_COMPLETE)) {
                lastRecord = record;
                return;
            }
            if (index > ws.length) {
                throw loops("write records", record);
            }
            record += FtwWriteRecord.size(privateDataSize);
        }
        lastRecord = record - FtwWriteRecord.size(privateDataSize);
    }

    private boolean isLastRecord(long header, long record) {
        return header + FtwWriteHeader.totalSize(wsU64(header + NUMBER_OF_WRITES) - 1, wsU64(header + PRIVATE_DATA_SIZE)) == record;
    }

    /**
     * FtwReclaimWorkSpace: builds a working space holding only the header and, with {@code preserveRecord}, the
     * unfinished last write; writes it to the spare area and marks it valid there, marks the working block invalid,
     * flushes the spare to the working block, and restores the spare area's previous content.
     */
    private void reclaimWorkSpace(boolean preserveRecord) {
        byte[] temp = flash.read(layout.workSpace(), layout.workSpaceSize());
        Arrays.fill(temp, 0, ws.length, (byte) ERASED);
        System.arraycopy(ws, 0, temp, 0, FtwWorkingBlockHeader.SIZE);
        if (preserveRecord) {
            boolean found = findLastHeader();
            int header = lastHeader;
            if (found && !flagSet(header, COMPLETE) && flagSet(header, HEADER_ALLOCATED)) {
                long total = FtwWriteHeader.totalSize(wsU64(header + NUMBER_OF_WRITES), wsU64(header + PRIVATE_DATA_SIZE));
                if (Long.compareUnsigned(total, ws.length - FtwWorkingBlockHeader.SIZE) > 0
                        || Long.compareUnsigned(header + total, ws.length) > 0) {
                    throw new IllegalStateException("the unfinished FTW write at working-space offset 0x"
                            + Integer.toHexString(header) + " claims 0x" + Long.toHexString(total)
                            + " bytes; the firmware would copy past its working space here");
                }
                System.arraycopy(ws, header, temp, FtwWorkingBlockHeader.SIZE, (int) total);
            }
        }
        System.arraycopy(temp, 0, ws, 0, ws.length);
        findLastHeader();
        findLastRecord();
        temp[FtwWorkingBlockHeader.STATE] |= WORKING_BLOCK_VALID | WORKING_BLOCK_INVALID;

        byte[] spareBackup = flash.read(layout.spare(), layout.spareSize());
        eraseSpare();
        writeSpare(temp, temp.length);
        updateState(layout.spare() + FtwWorkingBlockHeader.STATE, WORKING_BLOCK_VALID);
        updateState(layout.workSpace() + FtwWorkingBlockHeader.STATE, WORKING_BLOCK_INVALID);
        ws[FtwWorkingBlockHeader.STATE] &= (byte) ~WORKING_BLOCK_INVALID;
        flushSpareToWorkingBlock();
        eraseSpare();
        writeSpare(spareBackup, spareBackup.length);
    }

    /**
     * FlushSpareBlockToWorkingBlock: marks the spare copy valid, marks the working block invalid before erasing it,
     * writes the spare copy (with a fresh header whose state bytes are still erased) and only then marks the working
     * block valid, so a cut anywhere leaves one valid copy.
     */
    private void flushSpareToWorkingBlock() {
        updateState(layout.spare() + FtwWorkingBlockHeader.STATE, WORKING_BLOCK_VALID);
        byte[] buffer = flash.read(layout.spare(), layout.workSpaceSize());
        System.arraycopy(validHeader, 0, buffer, 0, validHeader.length);
        buffer[FtwWorkingBlockHeader.STATE] |= WORKING_BLOCK_VALID | WORKING_BLOCK_INVALID;
        updateState(layout.workSpace() + FtwWorkingBlockHeader.STATE, WORKING_BLOCK_INVALID);
        ws[FtwWorkingBlockHeader.STATE] &= (byte) ~WORKING_BLOCK_INVALID;
        flash.erase(layout.workSpace(), layout.workSpaceSize());
        for (int i = 0; i < layout.workBlocks(); i++) {
            programBlock(layout.workSpace() + i * layout.blockSize(), buffer, i * layout.blockSize());
        }
        updateState(layout.workSpace() + FtwWorkingBlockHeader.STATE, WORKING_BLOCK_VALID);
        ws[FtwWorkingBlockHeader.STATE] = (byte) ((ws[FtwWorkingBlockHeader.STATE] | WORKING_BLOCK_INVALID) & ~WORKING_BLOCK_VALID);
    }

    // ---- flash access --------------------------------------------------------------------------------------

    /** WriteWorkSpaceData: writes {@code length} bytes of the in-memory working space to flash, one FVB Write per block. */
    private void writeWorkSpaceData(int offset, int length) {
        int at = layout.workSpace() + offset;
        int from = offset;
        int remaining = length;
        while (remaining > 0) {
            int chunk = Math.min(remaining, layout.blockSize() - at % layout.blockSize());
            flash.program(at, ws, from, chunk);
            at += chunk;
            from += chunk;
            remaining -= chunk;
        }
    }

    /** FtwUpdateFvState: reads the state byte from flash, clears {@code bit}, writes the byte back. */
    private void updateState(int flashOffset, int bit) {
        byte state = flash.readByte(flashOffset);
        flash.program(flashOffset, new byte[] {(byte) (state & ~bit)});
    }

    private void eraseSpare() {
        flash.erase(layout.spare(), layout.spareSize());
    }

    /** Writes the first {@code length} bytes of {@code buffer} to the spare area, one FVB Write per block. */
    private void writeSpare(byte[] buffer, int length) {
        for (int i = 0; i * layout.blockSize() < length; i++) {
            programBlock(layout.spare() + i * layout.blockSize(), buffer, i * layout.blockSize());
        }
    }

    private void programBlock(int flashOffset, byte[] buffer, int from) {
        flash.program(flashOffset, buffer, from, layout.blockSize());
    }

    // ---- in-memory working space ---------------------------------------------------------------------------

    private int wsByte(long offset) {
        return offset >= 0 && offset < ws.length ? ws[(int) offset] & 0xFF : ERASED;
    }

    private long wsU64(long offset) {
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = (value << 8) | wsByte(offset + i);
        }
        return value;
    }

    /** Whether an FTW flag is set, i.e. its bit is 0. */
    private boolean flagSet(long offset, int bit) {
        return (wsByte(offset) & bit) == 0;
    }

    private boolean isErased(long offset, int length) {
        for (int i = 0; i < length; i++) {
            if (wsByte(offset + i) != ERASED) {
                return false;
            }
        }
        return true;
    }

    /** Whether everything from {@code offset} to the end of the working space is erased; false past its end. */
    private boolean erasedFrom(long offset) {
        if (Long.compareUnsigned(offset, ws.length) > 0) {
            return false;
        }
        return isErased(offset, ws.length - (int) offset);
    }

    private void requireInWorkSpace(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > ws.length) {
            throw new IllegalStateException("the FTW driver would write 0x" + Long.toHexString(length)
                    + " bytes at working-space offset 0x" + Long.toHexString(offset) + ", outside its 0x"
                    + Integer.toHexString(ws.length) + "-byte working space");
        }
    }

    private long ceilBlocks(long bytes) {
        return Long.divideUnsigned(bytes + layout.blockSize() - 1, layout.blockSize());
    }

    private IllegalStateException loops(String what, long offset) {
        return new IllegalStateException("the FTW " + what + " at working-space offset 0x" + Long.toHexString(offset)
                + " form a loop; the firmware would hang here");
    }
}
