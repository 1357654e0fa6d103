#include "disburse/domain/sample_list.hpp"

#include <numeric>
#include <span>

#include "disburse/domain/assert.hpp"
#include "disburse/domain/errors.hpp"

namespace disburse::domain {

namespace {

// Column positions of sample_list_columns.
enum Column : std::size_t {
  customer_id,
  first_name,
  last_name,
  email,
  phone,
  address1,
  address2,
  city,
  state,
  postal_code,
  country,
  device_type,
  account_months,
  payment_method,
  routing_number,
  account_number,
  account_type,
};

// Rates in parts per million of rows. A dirty row is drawn first; a row that is not dirty may
// then share an email, or else an address.
constexpr std::uint64_t defect_rate_ppm = 15'000;
constexpr std::uint64_t shared_email_rate_ppm = 5'000;
constexpr std::uint64_t shared_address_rate_ppm = 5'000;
// Out of 100 clean rows: about 5 check payees and 2 ACH payees, the rest PayPal.
constexpr std::uint64_t check_payee_percent = 5;
constexpr std::uint64_t ach_payee_percent = 2;
constexpr std::size_t overlong_field_size_bytes = 5000;

// A city with its state, the first three digits of its ZIP codes and an area code.
struct City {
  std::string_view name;
  std::string_view state;
  std::string_view zip_prefix;
  std::string_view area_code;
};

// A value and its relative weight in a weighted draw.
struct Weighted {
  std::string_view value;
  std::uint64_t weight;
};

constexpr std::string_view first_names[] = {
    "James",     "Mary",     "Robert",     "Patricia", "John",        "Jennifer", "Michael",
    "Linda",     "David",    "Elizabeth",  "William",  "Barbara",     "Richard",  "Susan",
    "Joseph",    "Jessica",  "Thomas",     "Sarah",    "Christopher", "Karen",    "Charles",
    "Lisa",      "Daniel",   "Nancy",      "Matthew",  "Betty",       "Anthony",  "Sandra",
    "Mark",      "Margaret", "Donald",     "Ashley",   "Steven",      "Kimberly", "Andrew",
    "Emily",     "Paul",     "Donna",      "Joshua",   "Michelle",    "Kenneth",  "Carol",
    "Kevin",     "Amanda",   "Brian",      "Melissa",  "George",      "Deborah",  "Timothy",
    "Stephanie", "Ronald",   "Dorothy",    "Jason",    "Rebecca",     "Edward",   "Sharon",
    "Jeffrey",   "Laura",    "Ryan",       "Cynthia",  "Jacob",       "Amy",      "Gary",
    "Kathleen",  "Nicholas", "Angela",     "Eric",     "Shirley",     "Jonathan", "Brenda",
    "Stephen",   "Emma",     "Larry",      "Anna",     "Justin",      "Pamela",   "Scott",
    "Nicole",    "Brandon",  "Samantha",   "Benjamin", "Katherine",   "Samuel",   "Christine",
    "Gregory",   "Helen",    "Alexander",  "Debra",    "Patrick",     "Rachel",   "Frank",
    "Carolyn",   "Raymond",  "Janet",      "Jack",     "Maria",       "Dennis",   "Catherine",
    "Jerry",     "Heather",  "Tyler",      "Diane",    "Aaron",       "Olivia",   "Jose",
    "Julie",     "Adam",     "Joyce",      "Nathan",   "Victoria",    "Henry",    "Ruth",
    "Zachary",   "Virginia", "Douglas",    "Lauren",   "Peter",       "Kelly",    "Kyle",
    "Christina", "Noah",     "Joan",       "Ethan",    "Evelyn",      "Jeremy",   "Judith",
    "Walter",    "Andrea",   "Christian",  "Hannah",   "Keith",       "Megan",    "Roger",
    "Cheryl",    "Terry",    "Jacqueline", "Austin",   "Martha",      "Sean",     "Madison",
    "Gerald",    "Teresa",   "Carl",       "Gloria",   "Harold",      "Sara",     "Dylan",
    "Janice",    "Arthur",   "Ann",        "Lawrence", "Kathryn",     "Jordan",   "Abigail",
    "Jesse",     "Sophia",   "Bryan",      "Frances",  "Billy",       "Jean",     "Bruce",
    "Alice",     "Gabriel",  "Judy",       "Joe",      "Isabella",    "Logan",    "Julia",
    "Alan",      "Grace",    "Juan",       "Amber",    "Albert",      "Denise",   "Willie",
    "Danielle",  "Elijah",   "Marilyn",    "Wayne",    "Beverly",     "Randy",    "Charlotte",
    "Vincent",   "Natalie",  "Mason",      "Theresa",  "Roy",         "Diana",    "Ralph",
    "Brittany",  "Bobby",    "Doris",      "Russell",  "Kayla",       "Bradley",  "Alexis",
    "Philip",    "Lori",     "Eugene",     "Marie",    "Luis",        "Mei",      "Wei",
    "Hiroshi",   "Priya",    "Arjun",      "Aaliyah",  "Malik",       "DeShawn",  "Jamal",
    "Keisha",    "Tyrone",   "Imani",      "Ngozi",    "Kwame",       "Fatima",   "Omar",
    "Ahmed",     "Yusuf",    "Leila",      "Dmitri",   "Olga",        "Sven",     "Ingrid",
    "Siobhán",   "Seán",     "Zoë",        "Renée",    "Chloé",       "José",     "María",
    "Jesús",     "Sofía",    "Andrés",     "Ramón",    "Inés",        "Héctor",   "Raúl",
    "Bjørn",     "François", "Thérèse",    "Noël",     "Mary-Kate",   "Jean-Luc",
};

constexpr std::string_view last_names[] = {
    "Smith",      "Johnson",    "Williams",  "Brown",        "Jones",        "Garcia",
    "Miller",     "Davis",      "Rodriguez", "Martinez",     "Hernandez",    "Lopez",
    "Gonzalez",   "Wilson",     "Anderson",  "Thomas",       "Taylor",       "Moore",
    "Jackson",    "Martin",     "Lee",       "Perez",        "Thompson",     "White",
    "Harris",     "Sanchez",    "Clark",     "Ramirez",      "Lewis",        "Robinson",
    "Walker",     "Young",      "Allen",     "King",         "Wright",       "Scott",
    "Torres",     "Nguyen",     "Hill",      "Flores",       "Green",        "Adams",
    "Nelson",     "Baker",      "Hall",      "Rivera",       "Campbell",     "Mitchell",
    "Carter",     "Roberts",    "Gomez",     "Phillips",     "Evans",        "Turner",
    "Diaz",       "Parker",     "Cruz",      "Edwards",      "Collins",      "Reyes",
    "Stewart",    "Morris",     "Morales",   "Murphy",       "Cook",         "Rogers",
    "Gutierrez",  "Ortiz",      "Morgan",    "Cooper",       "Peterson",     "Bailey",
    "Reed",       "Kelly",      "Howard",    "Ramos",        "Kim",          "Cox",
    "Ward",       "Richardson", "Watson",    "Brooks",       "Chavez",       "Wood",
    "James",      "Bennett",    "Gray",      "Mendoza",      "Ruiz",         "Hughes",
    "Price",      "Alvarez",    "Castillo",  "Sanders",      "Patel",        "Myers",
    "Long",       "Ross",       "Foster",    "Jimenez",      "Powell",       "Jenkins",
    "Perry",      "Russell",    "Sullivan",  "Bell",         "Coleman",      "Butler",
    "Henderson",  "Barnes",     "Gonzales",  "Fisher",       "Vasquez",      "Simmons",
    "Romero",     "Jordan",     "Patterson", "Alexander",    "Hamilton",     "Graham",
    "Reynolds",   "Griffin",    "Wallace",   "Moreno",       "West",         "Cole",
    "Hayes",      "Bryant",     "Herrera",   "Gibson",       "Ellis",        "Tran",
    "Medina",     "Aguilar",    "Stevens",   "Murray",       "Ford",         "Castro",
    "Marshall",   "Owens",      "Harrison",  "Fernandez",    "McDonald",     "Woods",
    "Washington", "Kennedy",    "Wells",     "Vargas",       "Henry",        "Chen",
    "Freeman",    "Webb",       "Tucker",    "Guzman",       "Burns",        "Crawford",
    "Olson",      "Simpson",    "Porter",    "Hunter",       "Gordon",       "Mendez",
    "Silva",      "Shaw",       "Snyder",    "Mason",        "Dixon",        "Hunt",
    "Hicks",      "Holmes",     "Palmer",    "Wagner",       "Black",        "Robertson",
    "Boyd",       "Rose",       "Stone",     "Salazar",      "Fox",          "Warren",
    "Mills",      "Meyer",      "Rice",      "Schmidt",      "Garza",        "Daniels",
    "Ferguson",   "Nichols",    "Stephens",  "Soto",         "Weaver",       "Ryan",
    "Gardner",    "Payne",      "Grant",     "Dunn",         "Kelley",       "Spencer",
    "Hawkins",    "Arnold",     "Pierce",    "Vazquez",      "Hansen",       "Peters",
    "Santos",     "Hart",       "Bradley",   "Knight",       "Elliott",      "Cunningham",
    "Duncan",     "Armstrong",  "Hudson",    "Carroll",      "Lane",         "Riley",
    "Andrews",    "Alvarado",   "Ray",       "Delgado",      "Berry",        "Perkins",
    "Hoffman",    "Johnston",   "Matthews",  "Richards",     "Contreras",    "Willis",
    "Carpenter",  "Lawrence",   "Sandoval",  "Wang",         "Li",           "Zhang",
    "Liu",        "Yamamoto",   "Tanaka",    "Singh",        "Shah",         "Kowalski",
    "Nowak",      "Schneider",  "Novak",     "Ivanov",       "O'Brien",      "O'Connor",
    "O'Neill",    "D'Angelo",   "McCarthy",  "DeLuca",       "Núñez",        "Ibáñez",
    "Gómez",      "Peña",       "Muñoz",     "Jiménez",      "Rodríguez",    "Müller",
    "Sørensen",   "Dubois",     "Lefèvre",   "García-López", "Van der Berg",
};

constexpr std::string_view street_names[] = {
    "Oak",          "Maple",      "Cedar",        "Pine",         "Elm",        "Walnut",
    "Chestnut",     "Willow",     "Birch",        "Spruce",       "Hickory",    "Magnolia",
    "Sycamore",     "Aspen",      "Cherry",       "Dogwood",      "Juniper",    "Laurel",
    "Poplar",       "Redwood",    "Main",         "Church",       "Mill",       "Spring",
    "Center",       "High",       "Market",       "Water",        "Bridge",     "School",
    "Washington",   "Lincoln",    "Jefferson",    "Madison",      "Franklin",   "Adams",
    "Jackson",      "Monroe",     "Hamilton",     "Grant",        "Lake",       "Hill",
    "River",        "Forest",     "Meadow",       "Sunset",       "Highland",   "Ridge",
    "Valley",       "Prospect",   "Summit",       "Fairview",     "Lakeview",   "Riverside",
    "Woodland",     "Orchard",    "Garden",       "Green",        "Union",      "Liberty",
    "Railroad",     "Harbor",     "Bay",          "Beach",        "Canyon",     "Mesa",
    "Desert",       "Prairie",    "Cypress",      "Palm",         "Jasmine",    "Heather",
    "Ivy",          "Rose",       "Lilac",        "Sunflower",    "Bluebonnet", "Mockingbird",
    "Cardinal",     "Robin",      "Sparrow",      "Eagle",        "Hawk",       "Fox",
    "Deer",         "Bear Creek", "Stone Bridge", "Mill Pond",    "Glen Echo",  "Old Farm",
    "Pleasant",     "Ridgewood",  "Brookside",    "Country Club", "College",    "University",
    "Academy",      "Broad",      "Front",        "King",         "Queen",      "Colonial",
    "Independence",
};

// The street suffixes, one spelling each, so that no two generated streets become the same
// street once an importer normalises "Street" and "St".
constexpr std::string_view street_suffixes[] = {"St", "Ave", "Rd", "Dr",  "Ln", "Blvd",
                                                "Ct", "Way", "Pl", "Ter", "Cir"};

constexpr City cities[] = {
    {"New York", "NY", "100", "212"},       {"Los Angeles", "CA", "900", "213"},
    {"Chicago", "IL", "606", "312"},        {"Houston", "TX", "770", "713"},
    {"Phoenix", "AZ", "850", "602"},        {"Philadelphia", "PA", "191", "215"},
    {"San Antonio", "TX", "782", "210"},    {"San Diego", "CA", "921", "619"},
    {"Dallas", "TX", "752", "214"},         {"San Jose", "CA", "951", "408"},
    {"Austin", "TX", "787", "512"},         {"Jacksonville", "FL", "322", "904"},
    {"Fort Worth", "TX", "761", "817"},     {"Columbus", "OH", "432", "614"},
    {"Charlotte", "NC", "282", "704"},      {"San Francisco", "CA", "941", "415"},
    {"Indianapolis", "IN", "462", "317"},   {"Seattle", "WA", "981", "206"},
    {"Denver", "CO", "802", "303"},         {"Washington", "DC", "200", "202"},
    {"Boston", "MA", "021", "617"},         {"El Paso", "TX", "799", "915"},
    {"Nashville", "TN", "372", "615"},      {"Detroit", "MI", "482", "313"},
    {"Oklahoma City", "OK", "731", "405"},  {"Portland", "OR", "972", "503"},
    {"Las Vegas", "NV", "891", "702"},      {"Memphis", "TN", "381", "901"},
    {"Louisville", "KY", "402", "502"},     {"Baltimore", "MD", "212", "410"},
    {"Milwaukee", "WI", "532", "414"},      {"Albuquerque", "NM", "871", "505"},
    {"Tucson", "AZ", "857", "520"},         {"Fresno", "CA", "937", "559"},
    {"Sacramento", "CA", "958", "916"},     {"Mesa", "AZ", "852", "480"},
    {"Kansas City", "MO", "641", "816"},    {"Atlanta", "GA", "303", "404"},
    {"Omaha", "NE", "681", "402"},          {"Colorado Springs", "CO", "809", "719"},
    {"Raleigh", "NC", "276", "919"},        {"Miami", "FL", "331", "305"},
    {"Long Beach", "CA", "908", "562"},     {"Virginia Beach", "VA", "234", "757"},
    {"Oakland", "CA", "946", "510"},        {"Minneapolis", "MN", "554", "612"},
    {"Tulsa", "OK", "741", "918"},          {"Tampa", "FL", "336", "813"},
    {"Arlington", "TX", "760", "817"},      {"New Orleans", "LA", "701", "504"},
    {"Wichita", "KS", "672", "316"},        {"Cleveland", "OH", "441", "216"},
    {"Bakersfield", "CA", "933", "661"},    {"Aurora", "CO", "800", "303"},
    {"Anaheim", "CA", "928", "714"},        {"Honolulu", "HI", "968", "808"},
    {"Santa Ana", "CA", "927", "714"},      {"Riverside", "CA", "925", "951"},
    {"Corpus Christi", "TX", "784", "361"}, {"Lexington", "KY", "405", "859"},
    {"Stockton", "CA", "952", "209"},       {"St. Louis", "MO", "631", "314"},
    {"Saint Paul", "MN", "551", "651"},     {"Henderson", "NV", "890", "702"},
    {"Pittsburgh", "PA", "152", "412"},     {"Cincinnati", "OH", "452", "513"},
    {"Anchorage", "AK", "995", "907"},      {"Greensboro", "NC", "274", "336"},
    {"Plano", "TX", "750", "972"},          {"Newark", "NJ", "071", "973"},
    {"Lincoln", "NE", "685", "402"},        {"Orlando", "FL", "328", "407"},
    {"Irvine", "CA", "926", "949"},         {"Toledo", "OH", "436", "419"},
    {"Jersey City", "NJ", "073", "201"},    {"Chula Vista", "CA", "919", "619"},
    {"Durham", "NC", "277", "919"},         {"Fort Wayne", "IN", "468", "260"},
    {"St. Petersburg", "FL", "337", "727"}, {"Laredo", "TX", "780", "956"},
    {"Buffalo", "NY", "142", "716"},        {"Madison", "WI", "537", "608"},
    {"Lubbock", "TX", "794", "806"},        {"Chandler", "AZ", "852", "480"},
    {"Scottsdale", "AZ", "852", "480"},     {"Reno", "NV", "895", "775"},
    {"Glendale", "AZ", "853", "623"},       {"Norfolk", "VA", "235", "757"},
    {"Winston-Salem", "NC", "271", "336"},  {"Boise", "ID", "837", "208"},
    {"Richmond", "VA", "232", "804"},       {"Spokane", "WA", "992", "509"},
    {"Des Moines", "IA", "503", "515"},     {"Birmingham", "AL", "352", "205"},
    {"Salt Lake City", "UT", "841", "801"}, {"Providence", "RI", "029", "401"},
    {"Hartford", "CT", "061", "860"},       {"Burlington", "VT", "054", "802"},
    {"Manchester", "NH", "031", "603"},     {"Portland", "ME", "041", "207"},
    {"Wilmington", "DE", "198", "302"},     {"Charleston", "WV", "253", "304"},
    {"Charleston", "SC", "294", "843"},     {"Jackson", "MS", "392", "601"},
    {"Little Rock", "AR", "722", "501"},    {"Fargo", "ND", "581", "701"},
    {"Sioux Falls", "SD", "571", "605"},    {"Billings", "MT", "591", "406"},
    {"Cheyenne", "WY", "820", "307"},       {"Columbia", "SC", "292", "803"},
    {"Montgomery", "AL", "361", "334"},     {"Savannah", "GA", "314", "912"},
    {"Knoxville", "TN", "379", "865"},      {"Rochester", "NY", "146", "585"},
    {"Albany", "NY", "122", "518"},         {"Ann Arbor", "MI", "481", "734"},
    {"Grand Rapids", "MI", "495", "616"},   {"Eugene", "OR", "974", "541"},
    {"Tacoma", "WA", "984", "253"},         {"Santa Fe", "NM", "875", "505"},
    {"Baton Rouge", "LA", "708", "225"},    {"Shreveport", "LA", "711", "318"},
    {"Springfield", "IL", "627", "217"},    {"Springfield", "MA", "011", "413"},
};

// Video doorbells were Ring's best sellers, so they dominate a realistic list.
constexpr Weighted device_type_weights[] = {
    {"Video Doorbell", 26},     {"Indoor Cam", 18},    {"Stick Up Cam", 14},  {"Spotlight Cam", 12},
    {"Video Doorbell Pro", 10}, {"Floodlight Cam", 9}, {"Doorbell Elite", 6}, {"Peephole Cam", 5},
};

constexpr Weighted email_domains[] = {
    {"gmail.com", 40},  {"yahoo.com", 15},  {"icloud.com", 8},  {"hotmail.com", 8},
    {"outlook.com", 8}, {"aol.com", 5},     {"comcast.net", 5}, {"att.net", 4},
    {"live.com", 3},    {"verizon.net", 2}, {"msn.com", 2},
};

constexpr std::string_view invalid_emails[] = {"no-at-sign.example.com", "two@@example.com",
                                               "@example.com",           "name@",
                                               "first last@example.com", "name@exa mple.com"};
constexpr std::string_view invalid_states[] = {"XX", "ZZ", "QQ", "AB", "N/A", "1A"};
constexpr std::string_view invalid_postal_codes[] = {"123456", "ABCDE",  "9021O",
                                                     "12 345", "123-45", "X"};
constexpr std::string_view unknown_device_types[] = {"Car Cam", "Echo Show", "Nest Cam",
                                                     "Ring Alarm", "Blink Mini"};
constexpr std::string_view non_integer_months[] = {"12.5", "twelve", "3 months", "abc", "1,5"};
constexpr std::string_view latin1_last_names[] = {
    "M\xFC"
    "ller",
    "Mu\xF1"
    "oz",
    "Pe\xF1"
    "a",
    "Garc\xED"
    "a",
    "N\xFA\xF1"
    "ez"};
constexpr Column required_text_columns[] = {first_name, last_name, address1, city};

static_assert(std::size(ring_device_types) == std::size(device_type_weights));

template <typename Item>
const Item& pick(SplitMix64& random, std::span<const Item> items) {
  return items[random.below(items.size())];
}

std::string_view pick_weighted(SplitMix64& random, std::span<const Weighted> items) {
  std::uint64_t total_weight = 0;
  for (const Weighted& item : items) total_weight += item.weight;
  std::uint64_t draw = random.below(total_weight);
  for (const Weighted& item : items) {
    if (draw < item.weight) return item.value;
    draw -= item.weight;
  }
  DISBURSE_ASSERT(false);
  return {};
}

// Appends `value` in decimal, zero-padded to at least `width` digits.
void append_number(std::string& text, std::uint64_t value, std::size_t width = 1) {
  char digits[20];
  std::size_t count = 0;
  do {
    digits[count++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  for (std::size_t padding = count; padding < width; padding++) text.push_back('0');
  while (count > 0) text.push_back(digits[--count]);
}

void append_random_digits(SplitMix64& random, std::string& text, std::uint64_t count) {
  for (std::uint64_t index = 0; index < count; index++) {
    text.push_back(static_cast<char>('0' + random.below(10)));
  }
}

// The ASCII letter an accented Latin letter (UTF-8 C3 xx) is written with in an email address.
// Upper and lower case letters share their low five bits, so one table serves both.
char ascii_for_latin1_letter(unsigned char second_byte) {
  constexpr std::string_view letters =
      "aaaaaaaceeeeiiiidnooooo/ouuuuyty";  // U+00E0..U+00FF, lowercase.
  return letters[(second_byte & 0x1FU)];
}

// "Mary-Kate O'Brien" -> "marykate", "obrien"; "Muñoz" -> "munoz". Digits never appear, which
// is what keeps the numbered emails unique.
void append_email_slug(std::string& text, std::string_view name) {
  for (std::size_t index = 0; index < name.size(); index++) {
    const auto byte = static_cast<unsigned char>(name[index]);
    if (byte >= 'A' && byte <= 'Z') {
      text.push_back(static_cast<char>(byte - 'A' + 'a'));
    } else if (byte >= 'a' && byte <= 'z') {
      text.push_back(static_cast<char>(byte));
    } else if (byte == 0xC3 && index + 1 < name.size()) {
      index++;
      const char letter = ascii_for_latin1_letter(static_cast<unsigned char>(name[index]));
      if (letter >= 'a' && letter <= 'z') text.push_back(letter);
    }
  }
}

// The usual shapes of personal addresses: "maria.garcia", "mariagarcia", "mgarcia",
// "maria_garcia" and "garcia.maria".
void append_email_local_part(std::string& text, std::string_view first, std::string_view last,
                             std::uint64_t shape) {
  const std::string_view leading = shape == 4 ? last : shape == 2 ? first.substr(0, 1) : first;
  const std::string_view trailing = shape == 4 ? first : last;
  append_email_slug(text, leading);
  if (shape == 0 || shape == 4) text += '.';
  if (shape == 3) text += '_';
  append_email_slug(text, trailing);
}

void assign_account_months(SplitMix64& random, std::string& text) {
  // Most accounts are one to four years old; a few are new and a few date from Ring's start.
  const std::uint64_t band = random.below(100);
  std::uint64_t months = 0;
  if (band < 65) {
    months = 12 + random.below(37);
  } else if (band < 85) {
    months = 49 + random.below(48);
  } else {
    months = 1 + random.below(11);
  }
  text.clear();
  append_number(text, months);
}

// A routing number in a Federal Reserve range (01-12) whose ninth digit makes the ABA checksum
// 3(d1+d4+d7) + 7(d2+d5+d8) + (d3+d6+d9) divisible by 10.
void assign_routing_number(SplitMix64& random, std::string& text) {
  text.clear();
  append_number(text, 1 + random.below(12), 2);
  append_random_digits(random, text, 6);
  constexpr int weights[] = {3, 7, 1, 3, 7, 1, 3, 7};
  int sum = 0;
  for (std::size_t index = 0; index < 8; index++) sum += weights[index] * (text[index] - '0');
  text.push_back(static_cast<char>('0' + (10 - sum % 10) % 10));
}

void assign_account_number(SplitMix64& random, std::string& text) {
  text.clear();
  text.push_back(static_cast<char>('1' + random.below(9)));
  append_random_digits(random, text, 5 + random.below(7));
}

void to_upper_ascii(std::string& text) {
  for (char& character : text) {
    if (character >= 'a' && character <= 'z') character = static_cast<char>(character - 'a' + 'A');
  }
}

}  // namespace

std::uint64_t SplitMix64::next() {
  state_ += 0x9E3779B97F4A7C15ULL;
  std::uint64_t mixed = state_;
  mixed = (mixed ^ (mixed >> 30)) * 0xBF58476D1CE4E5B9ULL;
  mixed = (mixed ^ (mixed >> 27)) * 0x94D049BB133111EBULL;
  return mixed ^ (mixed >> 31);
}

std::uint64_t SplitMix64::below(std::uint64_t bound) {
  DISBURSE_ASSERT(bound > 0);
  // Draws under 2^64 mod bound are refused, so that every residue is equally likely.
  const std::uint64_t threshold = (0 - bound) % bound;
  while (true) {
    const std::uint64_t draw = next();
    if (draw >= threshold) return draw % bound;
  }
}

bool SplitMix64::chance(std::uint64_t parts_per_million) {
  return below(1'000'000) < parts_per_million;
}

std::string_view to_string(SampleDefect defect) {
  switch (defect) {
    case SampleDefect::missing_columns:
      return "missing_columns";
    case SampleDefect::extra_columns:
      return "extra_columns";
    case SampleDefect::empty_required_field:
      return "empty_required_field";
    case SampleDefect::invalid_email:
      return "invalid_email";
    case SampleDefect::invalid_state:
      return "invalid_state";
    case SampleDefect::invalid_postal_code:
      return "invalid_postal_code";
    case SampleDefect::unknown_device_type:
      return "unknown_device_type";
    case SampleDefect::negative_months:
      return "negative_months";
    case SampleDefect::non_integer_months:
      return "non_integer_months";
    case SampleDefect::duplicate_customer_id:
      return "duplicate_customer_id";
    case SampleDefect::overlong_field:
      return "overlong_field";
    case SampleDefect::invalid_utf8:
      return "invalid_utf8";
  }
  DISBURSE_ASSERT(false);
  return "";
}

std::int64_t SampleStats::rows_intended_invalid() const {
  return std::accumulate(rows_invalid_by_defect.begin(), rows_invalid_by_defect.end(),
                         std::int64_t{0});
}

std::int64_t SampleStats::rows_invalid(SampleDefect defect) const {
  return rows_invalid_by_defect[static_cast<std::size_t>(defect)];
}

std::int64_t SampleStats::rows_with_duplicate_signal() const {
  return 2 * (duplicate_email_pairs + duplicate_address_pairs);
}

SampleListGenerator::SampleListGenerator(SampleListOptions options)
    : options_(options), random_(options.seed) {
  if (options_.customers < 0) throw InvalidInput("sample list: customers must not be negative");
  street_seed_ = random_.next();
  street_order_.resize(std::size(street_names) * std::size(street_suffixes));
  std::iota(street_order_.begin(), street_order_.end(), std::uint32_t{0});
}

bool SampleListGenerator::next_row(std::vector<std::string>& fields) {
  if (row_number_ == options_.customers) return false;
  row_number_++;
  stats_.rows_total++;
  fill_clean_row(fields);
  if (options_.dirty && try_inject_defect(fields)) return true;
  const bool shares = options_.dirty && (try_share_email(fields) || try_share_address(fields));
  stats_.rows_intended_valid++;
  count_payee(fields);
  last_clean_customer_id_ = fields[customer_id];
  if (!shares) remember_clean_row(fields);
  return true;
}

void SampleListGenerator::fill_clean_row(std::vector<std::string>& fields) {
  fields.resize(sample_list_columns.size());
  fill_identity(fields);
  fill_address(fields);
  fields[device_type] = pick_weighted(random_, device_type_weights);
  assign_account_months(random_, fields[account_months]);
  fill_payment(fields);
}

void SampleListGenerator::fill_identity(std::vector<std::string>& fields) {
  const auto row_number = static_cast<std::uint64_t>(row_number_);
  fields[customer_id].assign("RING-");
  append_number(fields[customer_id], row_number, 7);
  const std::string_view first = pick<std::string_view>(random_, first_names);
  const std::string_view last = pick<std::string_view>(random_, last_names);
  fields[first_name].assign(first);
  fields[last_name].assign(last);
  // The row number closes the local part, which makes every generated email unique.
  std::string& address = fields[email];
  address.clear();
  append_email_local_part(address, first, last, random_.below(5));
  append_number(address, row_number);
  address += '@';
  address += pick_weighted(random_, email_domains);
}

void SampleListGenerator::assign_street_address(std::string& line) {
  // Row k lives on the street at slot (k mod S) of a shuffled order of all S streets, at a house
  // number inside that street's window for block k / S. Windows of different blocks do not
  // overlap, so no two rows ever get the same street address.
  const std::uint64_t street_count = street_order_.size();
  constexpr std::uint64_t house_window = 12;
  const auto index = static_cast<std::uint64_t>(row_number_ - 1);
  const std::uint64_t slot = index % street_count;
  if (slot == 0) shuffle_streets();
  const std::uint64_t street = street_order_[slot];
  SplitMix64 street_base(street_seed_ + street);
  const std::uint64_t house_number = 1 + street_base.below(1900) +
                                     index / street_count * house_window +
                                     random_.below(house_window);
  line.clear();
  append_number(line, house_number);
  line += ' ';
  line += street_names[street / std::size(street_suffixes)];
  line += ' ';
  line += street_suffixes[street % std::size(street_suffixes)];
}

void SampleListGenerator::shuffle_streets() {
  // Fisher-Yates with the generator's own draws, so the order is the same on every machine.
  for (std::size_t index = street_order_.size() - 1; index > 0; index--) {
    std::swap(street_order_[index], street_order_[random_.below(index + 1)]);
  }
}

void SampleListGenerator::fill_address(std::vector<std::string>& fields) {
  assign_street_address(fields[address1]);
  fields[address2].clear();
  const std::uint64_t unit_kind = random_.below(100);
  if (unit_kind < 12) {
    fields[address2].assign(unit_kind < 8 ? "Apt " : "Unit ");
    append_number(fields[address2], 1 + random_.below(40));
    if (unit_kind < 2) {
      // A comma inside a field, as real lists have, makes the writer quote it.
      fields[address2].append(", Bldg ").push_back(static_cast<char>('A' + random_.below(6)));
    }
  }
  const City& home = pick<City>(random_, cities);
  fields[city].assign(home.name);
  fields[state].assign(home.state);
  fields[postal_code].assign(home.zip_prefix);
  append_number(fields[postal_code], 1 + random_.below(99), 2);
  fields[country].assign("US");
  fields[phone].assign(home.area_code).append("-555-01");
  append_number(fields[phone], random_.below(100), 2);
}

void SampleListGenerator::fill_payment(std::vector<std::string>& fields) {
  fields[routing_number].clear();
  fields[account_number].clear();
  fields[account_type].clear();
  const std::uint64_t method = random_.below(100);
  const bool implicit = random_.below(5) == 0;
  if (method < check_payee_percent) {
    // Three in five check payees simply have no email; the others ask for a check.
    if (method % 2 == 0) {
      fields[email].clear();
      fields[payment_method].clear();
    } else {
      fields[payment_method].assign("check");
    }
  } else if (method < check_payee_percent + ach_payee_percent) {
    fields[payment_method].assign("ach");
    assign_routing_number(random_, fields[routing_number]);
    assign_account_number(random_, fields[account_number]);
    fields[account_type].assign(random_.below(5) == 0 ? "savings" : "checking");
  } else {
    // Some lists leave the method empty for PayPal payees, the default when there is an email.
    fields[payment_method].assign(implicit ? "" : "paypal");
  }
}

bool SampleListGenerator::try_share_email(std::vector<std::string>& fields) {
  if (!random_.chance(shared_email_rate_ppm)) return false;
  if (!sharing_source_.available || sharing_source_.email.empty()) return false;
  fields[email] = sharing_source_.email;
  // Half the shared emails differ in letter case, which normalisation must see through.
  if (random_.below(2) == 0) to_upper_ascii(fields[email]);
  sharing_source_.available = false;
  stats_.duplicate_email_pairs++;
  return true;
}

bool SampleListGenerator::try_share_address(std::vector<std::string>& fields) {
  if (!random_.chance(shared_address_rate_ppm)) return false;
  if (!sharing_source_.available) return false;
  const Column columns[] = {address1, address2, city, state, postal_code};
  for (std::size_t index = 0; index < std::size(columns); index++) {
    fields[columns[index]] = sharing_source_.address[index];
  }
  sharing_source_.available = false;
  stats_.duplicate_address_pairs++;
  return true;
}

void SampleListGenerator::remember_clean_row(const std::vector<std::string>& fields) {
  sharing_source_.available = true;
  sharing_source_.email = fields[email];
  const Column columns[] = {address1, address2, city, state, postal_code};
  for (std::size_t index = 0; index < std::size(columns); index++) {
    sharing_source_.address[index] = fields[columns[index]];
  }
}

void SampleListGenerator::count_payee(const std::vector<std::string>& fields) {
  const std::string& method = fields[payment_method];
  if (method == "ach") {
    stats_.ach_payees++;
  } else if (method == "check" || (method.empty() && fields[email].empty())) {
    stats_.check_payees++;
  } else {
    stats_.paypal_payees++;
  }
}

bool SampleListGenerator::try_inject_defect(std::vector<std::string>& fields) {
  if (!random_.chance(defect_rate_ppm)) return false;
  const auto defect = static_cast<SampleDefect>(random_.below(sample_defect_count));
  // A duplicate needs an earlier clean row to duplicate; the very first rows stay clean.
  if (defect == SampleDefect::duplicate_customer_id && last_clean_customer_id_.empty()) {
    return false;
  }
  inject_defect(fields, defect);
  stats_.rows_invalid_by_defect[static_cast<std::size_t>(defect)]++;
  return true;
}

void SampleListGenerator::inject_defect(std::vector<std::string>& fields, SampleDefect defect) {
  switch (defect) {
    case SampleDefect::missing_columns:
      fields.resize(fields.size() - 1 - random_.below(5));
      break;
    case SampleDefect::extra_columns:
      fields.resize(fields.size() + 1 + random_.below(2), "extra");
      break;
    case SampleDefect::empty_required_field:
      fields[pick<Column>(random_, required_text_columns)].clear();
      break;
    case SampleDefect::invalid_email:
      fields[email].assign(pick<std::string_view>(random_, invalid_emails));
      break;
    case SampleDefect::invalid_state:
      fields[state].assign(pick<std::string_view>(random_, invalid_states));
      break;
    case SampleDefect::invalid_postal_code:
      fields[postal_code].assign(pick<std::string_view>(random_, invalid_postal_codes));
      break;
    case SampleDefect::unknown_device_type:
      fields[device_type].assign(pick<std::string_view>(random_, unknown_device_types));
      break;
    case SampleDefect::negative_months:
      fields[account_months].assign("-");
      append_number(fields[account_months], 1 + random_.below(48));
      break;
    case SampleDefect::non_integer_months:
      fields[account_months].assign(pick<std::string_view>(random_, non_integer_months));
      break;
    case SampleDefect::duplicate_customer_id:
      fields[customer_id] = last_clean_customer_id_;
      break;
    case SampleDefect::overlong_field:
      fields[address1].resize(overlong_field_size_bytes, 'x');
      break;
    case SampleDefect::invalid_utf8:
      fields[last_name].assign(pick<std::string_view>(random_, latin1_last_names));
      break;
  }
}

}  // namespace disburse::domain
