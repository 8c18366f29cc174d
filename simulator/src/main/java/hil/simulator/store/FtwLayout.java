package hil.simulator.store;

import hil.simulator.Profile;

/**
 * Where the FTW working space and the spare area lie in the VARS flash (reference 4.9): after the variable firmware
 * volume comes one event-log block, then one block of working space, then the spare area up to the end of the flash.
 * Offsets are flash offsets; the FTW driver reaches them through one FVB covering the whole VARS flash, so LBA n is
 * flash offset n × blockSize.
 */
record FtwLayout(int workSpace, int workSpaceSize, int spare, int spareSize, int blockSize) {

    FtwLayout {
        if (workSpace % blockSize != 0 || workSpaceSize % blockSize != 0 || spare % blockSize != 0
                || spareSize % blockSize != 0 || workSpaceSize < FtwWorkingBlockHeader.SIZE || spareSize < workSpaceSize) {
            throw new IllegalArgumentException("FTW working space 0x" + Integer.toHexString(workSpace) + "+0x"
                    + Integer.toHexString(workSpaceSize) + " and spare 0x" + Integer.toHexString(spare) + "+0x"
                    + Integer.toHexString(spareSize) + " must be whole blocks of 0x" + Integer.toHexString(blockSize));
        }
    }

    static FtwLayout of(Profile profile) {
        int workSpace = VarsImage.workingBlockOffset(profile);
        int spare = workSpace + VarsImage.workingBlockSize(profile);
        return new FtwLayout(workSpace, VarsImage.workingBlockSize(profile), spare, profile.varsSize() - spare,
                profile.blockSize());
    }

    int workBlocks() {
        return workSpaceSize / blockSize;
    }

    int spareBlocks() {
        return spareSize / blockSize;
    }

    /** Whether flash block {@code lba} holds working space (IsWorkingBlock). */
    boolean isWorkingBlock(long lba) {
        return lba >= workSpace / blockSize && lba < (workSpace + workSpaceSize) / blockSize;
    }
}
