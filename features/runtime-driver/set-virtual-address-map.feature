@requires:os-phase
Feature: SetVirtualAddressMap is applied once, after ExitBootServices
  The OS loader calls SetVirtualAddressMap once, in physical mode, after
  ExitBootServices. EDK II refuses any other call with EFI_UNSUPPORTED and a map it
  cannot read with EFI_INVALID_PARAMETER; it never returns EFI_NO_MAPPING or
  EFI_NOT_FOUND.

  # ref 6.4 step 1, 8.19
  Scenario: SetVirtualAddressMap before ExitBootServices is unsupported
    Given the firmware is in the boot phase
    When the OS tries to call SetVirtualAddressMap
    Then SetVirtualAddressMap returns EFI_UNSUPPORTED

  # ref 6.4 step 1: "A map can be applied only once"
  Scenario: A second SetVirtualAddressMap is unsupported
    Given the firmware is in the boot phase
    When the OS calls ExitBootServices
    And the OS calls SetVirtualAddressMap
    And the OS tries to call SetVirtualAddressMap
    Then SetVirtualAddressMap returns EFI_UNSUPPORTED

  # ref 6.4 step 2: checked before VirtualMode is set, so a correct call can follow
  Scenario: A descriptor version other than 1 is invalid and does not use up the call
    Given the firmware is in the boot phase
    When the OS calls ExitBootServices
    And the OS tries to call SetVirtualAddressMap with descriptor version 2
    Then SetVirtualAddressMap returns EFI_INVALID_PARAMETER
    When the OS tries to call SetVirtualAddressMap
    Then SetVirtualAddressMap returns EFI_SUCCESS

  # ref 6.4 step 2: DescriptorSize < sizeof (EFI_MEMORY_DESCRIPTOR) = 40
  Scenario Outline: A descriptor size below 40 bytes is invalid
    Given the firmware is in the boot phase
    When the OS calls ExitBootServices
    And the OS tries to call SetVirtualAddressMap with descriptor size <size>
    Then SetVirtualAddressMap returns <status>

    Examples:
      | size | status                |
      | 32   | EFI_INVALID_PARAMETER |
      | 39   | EFI_INVALID_PARAMETER |
      | 40   | EFI_SUCCESS           |
      | 48   | EFI_SUCCESS           |
