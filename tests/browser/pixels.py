"""What a screenshot shows: the ink of a PNG from Chromium (no image library needed)."""

import struct
import zlib


def decode_png(data):
    """(width, height, rows): rows of (r, g, b) tuples, for the 8-bit RGB/RGBA,
    non-interlaced PNGs that Chromium writes."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, chunks, header = 8, [], None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    channels = 4 if colour == 6 else 3
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up = previous[x]
            corner = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                estimate = left + up - corner
                nearest = min((abs(estimate - left), 0, left), (abs(estimate - up), 1, up),
                              (abs(estimate - corner), 2, corner))[2]
                line[x] = (line[x] + nearest) & 0xFF
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, channels)])
        previous = line
    return width, height, rows


def ink(data, background, threshold=60):
    """{"pixels": how many pixels differ from `background` (r, g, b) by more
    than `threshold`, "width", "height": the box around them}."""
    _, _, rows = decode_png(data)
    count, xs, ys = 0, [], []
    for y, row in enumerate(rows):
        for x, pixel in enumerate(row):
            if sum(abs(a - b) for a, b in zip(pixel, background)) > threshold:
                count += 1
                xs.append(x)
                ys.append(y)
    if not count:
        return {"pixels": 0, "width": 0, "height": 0}
    return {"pixels": count, "width": max(xs) - min(xs) + 1, "height": max(ys) - min(ys) + 1}
