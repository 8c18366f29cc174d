package hil.transports.qmp;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the binary PPM ({@code P6}, 8 bits per channel) that QEMU's {@code screendump} writes without a format
 * argument. javax.imageio has no PNM reader, and this is the only variant QEMU produces.
 */
final class PpmImage {

    private static final int MAX_SIDE = 16384;

    private PpmImage() {
    }

    static void convertToPng(Path ppm, Path png) throws IOException {
        BufferedImage image = decode(Files.readAllBytes(ppm));
        if (!ImageIO.write(image, "png", png.toFile())) {
            throw new IOException("no PNG writer available");
        }
    }

    static BufferedImage decode(byte[] bytes) throws IOException {
        Header header = new Header(bytes);
        if (!"P6".equals(header.token())) {
            throw new IOException("not a binary PPM (P6) image");
        }
        int width = header.number();
        int height = header.number();
        int maxValue = header.number();
        if (width <= 0 || height <= 0 || width > MAX_SIDE || height > MAX_SIDE) {
            throw new IOException("implausible PPM size " + width + "x" + height);
        }
        if (maxValue != 255) {
            throw new IOException("unsupported PPM maximum value " + maxValue + " (QEMU writes 255)");
        }
        // Exactly one whitespace byte separates the header from the raster.
        int offset = header.position + 1;
        long needed = (long) width * height * 3;
        if (bytes.length - offset < needed) {
            throw new IOException("PPM raster truncated: " + (bytes.length - offset) + " of " + needed + " bytes");
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = bytes[offset++] & 0xFF;
                int g = bytes[offset++] & 0xFF;
                int b = bytes[offset++] & 0xFF;
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return image;
    }

    /** Whitespace-separated ASCII header tokens; {@code #} starts a comment to the end of the line. */
    private static final class Header {
        private final byte[] bytes;
        private int position;

        Header(byte[] bytes) {
            this.bytes = bytes;
        }

        String token() throws IOException {
            skipSpaceAndComments();
            int start = position;
            while (position < bytes.length && !Character.isWhitespace(bytes[position])) {
                position++;
            }
            if (start == position) {
                throw new IOException("PPM header truncated");
            }
            return new String(bytes, start, position - start, java.nio.charset.StandardCharsets.US_ASCII);
        }

        int number() throws IOException {
            String token = token();
            try {
                return Integer.parseInt(token);
            } catch (NumberFormatException e) {
                throw new IOException("PPM header field is not a number: " + token);
            }
        }

        private void skipSpaceAndComments() {
            while (position < bytes.length) {
                if (bytes[position] == '#') {
                    while (position < bytes.length && bytes[position] != '\n') {
                        position++;
                    }
                } else if (Character.isWhitespace(bytes[position])) {
                    position++;
                } else {
                    return;
                }
            }
        }
    }
}
