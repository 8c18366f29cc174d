package hil.simulator.store;

import hil.simulator.flash.NorFlash;

/**
 * The non-volatile store on NOR flash, behind the firmware-volume header. Record writes are program operations;
 * a rewrite (reclaim) erases the variable region and programs the new image.
 */
final class FlashMedium implements StoreMedium {

    private final NorFlash flash;
    private final int base;
    private final int regionSize;

    /**
     * @param flash      the device
     * @param base       offset of the store header in the device (the FV HeaderLength)
     * @param regionSize size of the variable firmware volume, header included (block-aligned)
     */
    FlashMedium(NorFlash flash, int base, int regionSize) {
        this.flash = flash;
        this.base = base;
        this.regionSize = regionSize;
    }

    @Override
    public byte[] bytes() {
        return flash.view();
    }

    @Override
    public int base() {
        return base;
    }

    @Override
    public void write(int offset, byte[] data) {
        flash.program(base + offset, data);
    }

    @Override
    public void rewrite(byte[] image) {
        byte[] region = flash.read(0, regionSize);
        java.util.Arrays.fill(region, base, regionSize, (byte) 0xFF);
        System.arraycopy(image, 0, region, base, image.length);
        flash.erase(0, regionSize);
        flash.program(0, region);
    }

    @Override
    public boolean twoStepCommit() {
        return true;
    }
}
