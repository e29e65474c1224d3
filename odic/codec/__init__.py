"""The codec: architectures, the ``.odic`` bitstream, and the encoder/decoder."""
