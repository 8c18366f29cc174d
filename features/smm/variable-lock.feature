Feature: Locking variables with RequestToLock
  EDKII_VARIABLE_LOCK_PROTOCOL.RequestToLock marks a variable read-only for the rest of
  the boot. Since edk2-stable202011 it is a shim that registers a LOCK_NOW variable
  policy for exactly that name (reference 5.4). The lock takes effect at EndOfDxe; until
  then the variable can still be written, and after it RequestToLock itself is refused.
  Real firmware runs a test's code only after EndOfDxe, so the scenarios that lock
  before it need a target that can call before EndOfDxe (@requires:before-end-of-dxe).

  Background:
    Given vendor "TestVendor" is 12345678-1234-1234-1234-123456789abc
    And the firmware is in the boot phase

  @requires:before-end-of-dxe
  Scenario: A locked variable is writable until EndOfDxe and write-protected after it
    When I request to lock the variable "HilLocked" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    When I set the variable "HilLocked" of vendor "TestVendor" with attributes NV|BS|RT to text "before"
    Then the status is EFI_SUCCESS
    When the firmware signals EndOfDxe
    And I set the variable "HilLocked" of vendor "TestVendor" with attributes NV|BS|RT to text "after"
    Then the status is EFI_WRITE_PROTECTED
    And the variable "HilLocked" of vendor "TestVendor" holds text "before"

  # ref 5.4: deletes are writes too
  @requires:before-end-of-dxe
  Scenario: A locked variable cannot be deleted after EndOfDxe
    When I set the variable "HilLocked" of vendor "TestVendor" with attributes NV|BS|RT to text "keep"
    And I request to lock the variable "HilLocked" of vendor "TestVendor"
    And the firmware signals EndOfDxe
    And I delete the variable "HilLocked" of vendor "TestVendor"
    Then the status is EFI_WRITE_PROTECTED
    And the variable "HilLocked" of vendor "TestVendor" holds text "keep"

  @requires:before-end-of-dxe
  Scenario: A lock also stops a variable from being created after EndOfDxe
    When I request to lock the variable "HilNeverCreated" of vendor "TestVendor"
    And the firmware signals EndOfDxe
    And I set the variable "HilNeverCreated" of vendor "TestVendor" with attributes BS|RT to text "x"
    Then the status is EFI_WRITE_PROTECTED
    And the variable "HilNeverCreated" of vendor "TestVendor" does not exist

  @requires:before-end-of-dxe
  Scenario: A lock binds only the name it was requested for
    When I request to lock the variable "HilLocked" of vendor "TestVendor"
    And the firmware signals EndOfDxe
    And I set the variable "HilLocked2" of vendor "TestVendor" with attributes NV|BS|RT to text "free"
    Then the status is EFI_SUCCESS

  # ref 5.4: the duplicate policy already write-protects the variable, so the answer is EFI_SUCCESS
  @requires:before-end-of-dxe
  Scenario: Locking the same variable twice succeeds
    When I request to lock the variable "HilLocked" of vendor "TestVendor"
    And I request to lock the variable "HilLocked" of vendor "TestVendor"
    Then the status is EFI_SUCCESS

  # ref 5.4: the duplicate policy exists but does not write-protect the variable
  @requires:before-end-of-dxe
  Scenario: Locking a variable that already has a non-locking policy is EFI_ACCESS_DENIED
    When I register a variable policy for "HilSized" of vendor "TestVendor" allowing sizes 1 to 8
    Then the status is EFI_SUCCESS
    When I request to lock the variable "HilSized" of vendor "TestVendor"
    Then the status is EFI_ACCESS_DENIED

  # ref 5.4 and 2.4 fn 8
  Scenario: RequestToLock after EndOfDxe is EFI_ACCESS_DENIED
    When the firmware signals EndOfDxe
    And I request to lock the variable "HilLate" of vendor "TestVendor"
    Then the status is EFI_ACCESS_DENIED

  # ref 2.4 fn 8: the LOCK_VARIABLE SMI is gated by EndOfDxe alone
  @requires:before-end-of-dxe
  Scenario: A raw LockVariable buffer locks before EndOfDxe and is refused after it
    When I send a LockVariable communicate buffer for "HilRawLock" of vendor "TestVendor"
    Then the SMM return status is EFI_SUCCESS
    When the firmware signals EndOfDxe
    And I set the variable "HilRawLock" of vendor "TestVendor" with attributes NV|BS|RT to text "x"
    Then the status is EFI_WRITE_PROTECTED
    When I send a LockVariable communicate buffer for "HilOther" of vendor "TestVendor"
    Then the SMM return status is EFI_ACCESS_DENIED

  # ref 2.4 fn 8: after EndOfDxe the LOCK_VARIABLE SMI refuses every name and locks nothing
  Scenario: A raw LockVariable buffer after EndOfDxe is EFI_ACCESS_DENIED
    When the firmware signals EndOfDxe
    And I send a LockVariable communicate buffer for "HilRawLate" of vendor "TestVendor"
    Then the communicate status is EFI_SUCCESS
    And the SMM return status is EFI_ACCESS_DENIED
    When I set the variable "HilRawLate" of vendor "TestVendor" with attributes NV|BS|RT to text "free"
    Then the status is EFI_SUCCESS

  # ref 5.3: ReadyToBoot runs the EndOfDxe steps when EndOfDxe was missed
  @requires:before-end-of-dxe
  Scenario: ReadyToBoot without EndOfDxe also enforces the lock
    When I set the variable "HilLocked" of vendor "TestVendor" with attributes NV|BS|RT to text "keep"
    And I request to lock the variable "HilLocked" of vendor "TestVendor"
    And the firmware signals ReadyToBoot
    And I set the variable "HilLocked" of vendor "TestVendor" with attributes NV|BS|RT to text "changed"
    Then the status is EFI_WRITE_PROTECTED
