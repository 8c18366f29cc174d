Feature: Creating events
  CreateEvent and CreateEventEx accept only the event types EDK II lists, map the
  ExitBootServices and VirtualAddressChange groups to their special types, and give
  notify events only TPL_CALLBACK or TPL_NOTIFY.

  Background:
    Given the firmware is in the boot phase
    And a runtime driver "Events" that keeps pointers "" in runtime memory and converts ""

  # ref 6.1: the accepted Type values
  Scenario Outline: CreateEvent accepts exactly the listed types
    When the driver "Events" creates an event of type <type> at TPL_NOTIFY
    Then CreateEvent returns <status>

    Examples:
      | type       | status                |
      | 0x00000200 | EFI_SUCCESS           |
      | 0x80000200 | EFI_SUCCESS           |
      | 0x00000201 | EFI_SUCCESS           |
      | 0x60000202 | EFI_SUCCESS           |
      | 0x00000000 | EFI_SUCCESS           |
      | 0x00000202 | EFI_INVALID_PARAMETER |
      | 0x40000200 | EFI_INVALID_PARAMETER |
      | 0x00000001 | EFI_INVALID_PARAMETER |

  # ref 6.1: group GUID <-> type mapping
  Scenario: CreateEventEx in the ExitBootServices group creates an EVT_SIGNAL_EXIT_BOOT_SERVICES event
    When the driver "Events" creates an event of type 0x200 at TPL_CALLBACK in the event group "ExitBootServices"
    Then CreateEvent returns EFI_SUCCESS
    And the created event has type 0x201

  Scenario: CreateEventEx in the VirtualAddressChange group creates a runtime event
    When the driver "Events" creates an event of type 0x200 at TPL_NOTIFY in the event group "VirtualAddressChange"
    Then CreateEvent returns EFI_SUCCESS
    And the created event has type 0x60000202

  Scenario: The special types cannot be combined with a group
    When the driver "Events" creates an event of type 0x201 at TPL_NOTIFY in the event group "ExitBootServices"
    Then CreateEvent returns EFI_INVALID_PARAMETER
    When the driver "Events" creates an event of type 0x60000202 at TPL_NOTIFY in the event group "ReadyToBoot"
    Then CreateEvent returns EFI_INVALID_PARAMETER

  # ref 6.1: NotifyTpl rules
  Scenario Outline: A notify event needs TPL_CALLBACK or TPL_NOTIFY
    When the driver "Events" creates an event of type 0x200 at <tpl>
    Then CreateEvent returns <status>

    Examples:
      | tpl             | status                |
      | TPL_CALLBACK    | EFI_SUCCESS           |
      | TPL_NOTIFY      | EFI_SUCCESS           |
      | TPL_APPLICATION | EFI_INVALID_PARAMETER |
      | TPL_HIGH_LEVEL  | EFI_INVALID_PARAMETER |
      | 9               | EFI_INVALID_PARAMETER |

  Scenario: An event without notification ignores its TPL
    When the driver "Events" creates an event of type 0 at TPL_HIGH_LEVEL
    Then CreateEvent returns EFI_SUCCESS
