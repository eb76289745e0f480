package org.affectgate.agent.consent;

import org.affectgate.sync.storage.StorageFaults;

/** The consent database could not be read or written (I/O, corruption, lock timeout). */
public final class ConsentStoreException extends RuntimeException {
  public ConsentStoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether the cause is a full disk (or an I/O error such as a full disk causes). */
  public boolean diskFull() {
    return StorageFaults.isStorageFault(getCause());
  }
}
