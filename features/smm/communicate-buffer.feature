Feature: Validation of SMM communicate buffers
  The SMM variable handler checks every buffer before the variable store sees it
  (reference 2.3, 2.4). A buffer that fails a size check is dropped without an answer:
  ReturnStatus keeps what the caller wrote, so a DXE caller, whose buffer is zero-filled,
  reads EFI_SUCCESS although nothing happened (2.5). Sizes and names that do not add up
  are answered with EFI_ACCESS_DENIED. The expected sizes are those of Debian's 4 MB OVMF
  (the default profile, built with TLS: PcdMaxVolatileVariableSize 0x40000): an SMM payload
  of 0x40000 + 48 - 60 = 262132 bytes.

  Background:
    Given vendor "TestVendor" is 12345678-1234-1234-1234-123456789abc
    And the firmware is in the boot phase

  # ref 1.8: Communicate refuses a CommSize that cannot hold the 24-byte MM header
  Scenario: A CommSize below the MM header is refused by Communicate
    When I send a communicate buffer for function 11 with a payload of 8 bytes and CommSize 23
    Then the communicate status is EFI_INVALID_PARAMETER
    And the communicate buffer was dropped

  # ref 1.8: no handler is registered under the header GUID
  Scenario: A buffer under an unknown header GUID reaches no handler
    When I send a communicate buffer with header GUID "TestVendor" for function 11
    Then the communicate status is EFI_NOT_FOUND
    And the communicate buffer was dropped

  # ref 2.3 #2
  Scenario: A buffer too short for the variable header is dropped
    When I send a communicate buffer for function 11 with a payload of 8 bytes and CommSize 39
    Then the communicate status is EFI_SUCCESS
    And the communicate buffer was dropped

  # ref 2.3 #3 and 2.1: 24 + 16 + 262133 bytes is one byte more than the payload size allows
  Scenario: A payload larger than the SMM payload size is dropped even when the message is valid
    When I send a communicate buffer for function 11 with a payload of 8 bytes and CommSize 262173
    Then the communicate status is EFI_SUCCESS
    And the communicate buffer was dropped

  # ref 2.1 and 1.9: the payload size is what GET_PAYLOAD_SIZE reports, at the very limit as anywhere
  Scenario: A buffer of exactly the largest payload is handled
    When I send a communicate buffer for function 11 with a payload of 8 bytes and CommSize 262172
    Then the SMM return status is EFI_SUCCESS
    And the reply UINTN at payload offset 0 is 262132

  # ref 2.4, column "Minimum P"
  Scenario Outline: A payload below the function's minimum is dropped
    When I send a communicate buffer for function <function> with a payload of <payload> bytes
    Then the communicate status is EFI_SUCCESS
    And the communicate buffer was dropped

    Examples:
      | function | payload |
      | 1        | 35      |
      | 2        | 23      |
      | 3        | 35      |
      | 4        | 31      |
      | 10       | 47      |
      | 11       | 7       |
      | 14       | 31      |

  # ref 2.4 fn 1 (c): "HilSmm" takes 14 bytes with its NUL; the payload is 36 + 14
  Scenario Outline: A GetVariable NameSize that does not describe a NUL-terminated name inside the payload is EFI_ACCESS_DENIED
    When I send a GetVariable communicate buffer for "HilSmm" of vendor "TestVendor" with NameSize <nameSize> and CommSize 90
    Then the SMM return status is EFI_ACCESS_DENIED

    Examples:
      | nameSize           | why                               |
      | 0                  | shorter than one CHAR16           |
      | 12                 | its last CHAR16 is 'm', not NUL   |
      | 16                 | runs two bytes past the payload   |
      | 0xFFFFFFFFFFFFFFFE | overflows                         |

  Scenario: A well-formed GetVariable buffer with DataSize 0 reports the size needed
    When I set the variable "HilSmm" of vendor "TestVendor" with attributes NV|BS|RT to 10 sequential bytes
    And I send a GetVariable communicate buffer for "HilSmm" of vendor "TestVendor" with NameSize 14 and CommSize 90
    Then the SMM return status is EFI_BUFFER_TOO_SMALL
    And the reply UINTN at payload offset 16 is 10

  Scenario: A well-formed SetVariable buffer stores the variable
    When I send a SetVariable communicate buffer for "HilSmm" of vendor "TestVendor" with attributes NV|BS|RT and text "raw"
    Then the SMM return status is EFI_SUCCESS
    And the variable "HilSmm" of vendor "TestVendor" holds text "raw"

  # ref 2.4 fn 3 (a): MAX_UINTN - NameSize < 36 + DataSize
  Scenario: A SetVariable DataSize that overflows is EFI_ACCESS_DENIED and nothing is stored
    When I send a SetVariable communicate buffer for "HilSmm" of vendor "TestVendor" with attributes NV|BS|RT, text "abc" and DataSize 0xFFFFFFFFFFFFFFF0
    Then the SMM return status is EFI_ACCESS_DENIED
    And the variable "HilSmm" of vendor "TestVendor" does not exist

  # ref 2.4 fn 3 (b)
  Scenario: A SetVariable DataSize larger than the data sent is EFI_ACCESS_DENIED
    When I send a SetVariable communicate buffer for "HilSmm" of vendor "TestVendor" with attributes NV|BS|RT, text "abc" and DataSize 4
    Then the SMM return status is EFI_ACCESS_DENIED
    And the variable "HilSmm" of vendor "TestVendor" does not exist

  # ref 2.4 fn 3 (c)
  Scenario: A SetVariable name without its NUL is EFI_ACCESS_DENIED
    When I send a SetVariable communicate buffer for "HilSmm" of vendor "TestVendor" with attributes NV|BS|RT and text "abc" but no NUL after the name
    Then the SMM return status is EFI_ACCESS_DENIED
    And the variable "HilSmm" of vendor "TestVendor" does not exist

  # ref 8.3: the NUL check looks at the last CHAR16 of the whole name area
  Scenario: A GetNextVariableName name area that ends inside the name is EFI_ACCESS_DENIED
    When I send a GetNextVariableName communicate buffer after "HilSmm" of vendor "TestVendor" with NameSize 12 and a name area of 12 bytes
    Then the SMM return status is EFI_ACCESS_DENIED

  # ref 2.4 fn 2 (b)
  Scenario: A GetNextVariableName NameSize larger than the name area is EFI_ACCESS_DENIED
    When I send a GetNextVariableName communicate buffer after "" of vendor "TestVendor" with NameSize 64 and a name area of 32 bytes
    Then the SMM return status is EFI_ACCESS_DENIED

  # ref 2.4, last row
  Scenario: An unknown function is EFI_UNSUPPORTED
    When I send a communicate buffer for function 99 with a payload of 0 bytes
    Then the SMM return status is EFI_UNSUPPORTED

  # ref 2.4 fn 7: OVMF does not collect variable statistics
  Scenario: Variable statistics are EFI_UNSUPPORTED
    When I send a communicate buffer for function 7 with a payload of 64 bytes
    Then the SMM return status is EFI_UNSUPPORTED

  # ref 2.4 fn 12: NULL cache pointers; OVMF 2022.11 runs without the runtime cache
  Scenario: Setting up the runtime cache with NULL pointers is EFI_ACCESS_DENIED
    When I send a communicate buffer for function 12 with a payload of 48 bytes
    Then the SMM return status is EFI_ACCESS_DENIED

  # ref 2.4 fn 13: without a cache context there is nothing to sync
  Scenario: Syncing a runtime cache that was never set up is EFI_UNSUPPORTED
    When I send a communicate buffer for function 13 with a payload of 0 bytes
    Then the SMM return status is EFI_UNSUPPORTED

  # ref 8.5: the ExitBootServices SMI is accepted any time and cannot be undone; real firmware is started again
  # for the next scenario
  Scenario: ReadyToBoot after the ExitBootServices SMI is EFI_UNSUPPORTED
    When I send a communicate buffer for function 6 with a payload of 0 bytes
    Then the SMM return status is EFI_SUCCESS
    When I send a communicate buffer for function 5 with a payload of 0 bytes
    Then the SMM return status is EFI_UNSUPPORTED

  # Errata (measured on Debian's OVMF 2022.11 from the Shell) and ref 2.2 #3: after SmmReadyToLock,
  # SmmMemLib (SmmIsBufferOutsideSmmValid) accepts only a buffer wholly inside a region of the memory
  # map it took at EndOfDxe, keeping EfiReservedMemoryType, EfiRuntimeServicesCode/Data and
  # EfiACPIMemoryNVS entries; the SMM core then runs no handler and Communicate returns EFI_ACCESS_DENIED
  Scenario: After SmmReadyToLock a buffer in boot-services memory is refused by Communicate
    Given the communicate buffer is in EfiBootServicesData memory
    When the firmware signals EndOfDxe
    And I send a communicate buffer for function 11 with a payload of 8 bytes
    Then the communicate status is EFI_ACCESS_DENIED
    And the communicate buffer was dropped

  # Errata (measured on Debian's OVMF 2022.11): an EfiACPIMemoryNVS pool buffer is handled
  Scenario: After SmmReadyToLock a buffer in ACPI NVS memory is handled
    Given the communicate buffer is in EfiACPIMemoryNVS memory
    When the firmware signals EndOfDxe
    And I send a communicate buffer for function 11 with a payload of 8 bytes
    Then the communicate status is EFI_SUCCESS
    And the SMM return status is EFI_SUCCESS
    And the reply UINTN at payload offset 0 is 262132

  # ref 2.2 #3 (SmmLibInternalEndOfDxeNotify keeps these four types). OVMF's DXE core keeps
  # memory-type bins for them (PcdMemoryTypeEfi* in OvmfPkgX64.dsc) and GetMemoryMap reports a bin's
  # free pages as its type, so pool allocated later from the Shell still lies in a region of the
  # EndOfDxe map. The Memory Attributes Table, whose read-only runtime ranges SmmMemLib would also
  # refuse, is installed only at ReadyToBoot, after SmmMemLib looked for it at EndOfDxe.
  Scenario Outline: After SmmReadyToLock a buffer in a type SmmMemLib keeps is handled
    Given the communicate buffer is in <type> memory
    When the firmware signals EndOfDxe
    And I send a communicate buffer for function 11 with a payload of 8 bytes
    Then the communicate status is EFI_SUCCESS
    And the reply UINTN at payload offset 0 is 262132

    Examples:
      | type                   |
      | EfiRuntimeServicesData |
      | EfiRuntimeServicesCode |
      | EfiReservedMemoryType  |

  # ref 2.2 #3: every other type is missing from SmmMemLib's copy of the map
  Scenario Outline: After SmmReadyToLock a buffer in a type SmmMemLib drops from its map is refused
    Given the communicate buffer is in <type> memory
    When the firmware signals EndOfDxe
    And I send a communicate buffer for function 11 with a payload of 8 bytes
    Then the communicate status is EFI_ACCESS_DENIED
    And the communicate buffer was dropped

    Examples:
      | type                 |
      | EfiLoaderData        |
      | EfiBootServicesCode  |
      | EfiACPIReclaimMemory |

  # ref 2.2: before SmmReadyToLock only the SMRAM and address checks apply. A Shell application on
  # OVMF always runs after the lock (the boot manager installs it right after EndOfDxe), so only the
  # simulator can send from before it.
  @target:simulator
  Scenario: Before SmmReadyToLock a buffer in boot-services memory is handled
    Given the communicate buffer is in EfiBootServicesData memory
    When I send a communicate buffer for function 11 with a payload of 8 bytes
    Then the communicate status is EFI_SUCCESS
    And the reply UINTN at payload offset 0 is 262132
