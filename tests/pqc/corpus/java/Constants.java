package com.example.qkd.legacy;

import javax.crypto.Cipher;
import java.util.logging.Logger;

class Constants {
    private static final String TRANSFORMATION = "AES/CBC/PKCS5Padding";
    private static final Logger LOG = Logger.getLogger("crypto");

    Cipher cipher() throws Exception {
        LOG.info("Creating Cipher.getInstance(\"DES\") replacement");
        return Cipher.getInstance(TRANSFORMATION);  // expect: AES-CBC
    }
}
