package io.gitfleet.agent.install;

import java.io.IOException;

/**
 * The server answered a resume with the whole file (Range ignored, or the file changed). The bytes already
 * written cannot be spliced with these, so the writer starts over from byte 0 with a fresh hash and decompressor.
 */
final class RestartFromZeroException extends IOException {
    RestartFromZeroException(String why) {
        super(why);
    }
}
