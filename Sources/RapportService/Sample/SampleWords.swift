/// The invented words the sample is made of: names, places, note texts, and the classic
/// thirteen-category catalogue of the bundled sample.
enum SampleWords {
    struct Shelf {
        var category: String
        var brands: [String]
        var nouns: [String]
        var price: ClosedRange<Double>
        var replenish: Int?
    }

    /// The catalogue of the bundled sample (without `--products`): flat categories, evenly
    /// liked. Its order and contents fix the bundled sample's bytes.
    static let classicShelves: [Shelf] = [
        Shelf(
            category: "Coffee", brands: ["Bean & Co", "Roastery North", "Café Lumière"],
            nouns: [
                "Ethiopian Yirgacheffe", "Colombian Supremo", "Sumatra Mandheling", "Kenya AA",
                "Espresso Blend", "Decaf House Blend", "Guatemala Antigua", "Costa Rica Tarrazú"
            ],
            price: 8...24, replenish: 30),
        Shelf(
            category: "Pet Food", brands: ["Happy Paws", "Whisker Feast", "Canis Prime"],
            nouns: [
                "Salmon Kibble", "Chicken Pâté", "Grain-free Dry Food", "Senior Formula", "Puppy Starter",
                "Indoor Cat Mix"
            ],
            price: 12...45, replenish: 28),
        Shelf(
            category: "Health/Contact Lenses", brands: ["ClearSight", "Optiva"],
            nouns: ["Daily Lenses 30-pack", "Monthly Lenses 6-pack", "Toric Dailies", "Multifocal Monthlies"],
            price: 25...60, replenish: 90),
        Shelf(
            category: "Music/Jazz", brands: ["Blue Room Records", "Vanguard Press"],
            nouns: [
                "Kind of Blue Reissue", "Late Night Trio", "Bebop Sessions", "Smoky Standards",
                "Modal Explorations", "Big Band Live"
            ],
            price: 12...35, replenish: nil),
        Shelf(
            category: "Music/Classical", brands: ["Deutsche Klang", "Aurora Classics"],
            nouns: ["Goldberg Variations", "Four Seasons", "Nocturnes", "Symphony No. 9", "Cello Suites"],
            price: 10...30, replenish: nil),
        Shelf(
            category: "Music/Rock", brands: ["Amp & Fuzz", "Garage Tapes"],
            nouns: ["Loud Summer", "Basement Demos", "Arena Nights", "Riff Anthology"],
            price: 10...28, replenish: nil),
        Shelf(
            category: "Toys", brands: ["Tiny Giants", "Blocktopia", "Wonderworks"],
            nouns: [
                "Wooden Train Set", "Building Blocks 500", "Plush Dragon", "Puzzle Globe", "Remote Car",
                "Doll House", "Science Kit"
            ],
            price: 15...80, replenish: nil),
        Shelf(
            category: "Books/Fiction", brands: ["Harbor Books", "Quill & Ink"],
            nouns: ["The Quiet Harbor", "Northern Lights", "A Year in Kyoto", "The Last Orchard", "Glass Cities"],
            price: 9...25, replenish: nil),
        Shelf(
            category: "Books/Cooking", brands: ["Harbor Books", "Pantry Press"],
            nouns: ["Weeknight Vegetarian", "Bread at Home", "The Spice Route", "One-Pot Suppers"],
            price: 15...35, replenish: nil),
        Shelf(
            category: "Outdoor", brands: ["TrailMark", "Fjellgear"],
            nouns: ["Trail Runners", "Rain Shell", "Trekking Poles", "Down Vest", "Headlamp", "Water Filter"],
            price: 20...180, replenish: nil),
        Shelf(
            category: "Kitchen", brands: ["Cuisinova", "Ferro"],
            nouns: ["Cast Iron Skillet", "Chef's Knife", "Pour-over Kettle", "Burr Grinder", "Dutch Oven"],
            price: 18...150, replenish: nil),
        Shelf(
            category: "Beauty", brands: ["Lumen Skin", "Nordic Care"],
            nouns: ["Daily Moisturiser", "Vitamin C Serum", "Hand Cream", "Sunscreen SPF50", "Lip Balm"],
            price: 6...40, replenish: 60),
        Shelf(
            category: "Electronics", brands: ["Voltaic", "Pixelwright"],
            nouns: ["Wireless Earbuds", "USB-C Charger", "E-reader", "Smart Speaker", "Power Bank"],
            price: 20...250, replenish: nil)
    ]

    static let editions = ["Deluxe", "Mini", "Classic", "Limited", "XL", "Organic", "Travel", "Pro"]

    static let firstNames = [
        "Anna", "Ben", "Chloé", "David", "Elena", "Farid", "Greta", "Hiro", "Inés", "Jonas", "Kemal", "Lena",
        "Mateo", "Nora", "Oskar", "Priya", "Quentin", "Rosa", "Sven", "Tamsin", "Ugo", "Vera", "Wen", "Ximena",
        "Yusuf", "Zoë", "José", "François", "Łukasz", "Søren", "Ayşe", "Björn", "Renée", "Noémie"
    ]
    static let lastNames = [
        "Álvarez", "Becker", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Haddad", "Ivanova", "Jensen",
        "Kowalski", "López", "Müller", "Nakamura", "O'Brien", "Petrov", "Quinn", "Rossi", "Schmidt", "Takahashi",
        "Ueda", "Virtanen", "Wiśniewski", "Yılmaz", "Zhang", "Côté", "Øvergaard"
    ]
    static let cjkNames = ["山田 太郎", "王芳", "김민준", "李娜", "佐藤 花子", "陈伟", "박서연", "鈴木 一郎"]
    static let cities: [(String, String)] = [
        ("Lisbon", "PT"), ("Berlin", "DE"), ("Paris", "FR"), ("Madrid", "ES"), ("Oslo", "NO"), ("Tokyo", "JP"),
        ("Seoul", "KR"), ("São Paulo", "BR"), ("Kraków", "PL"), ("Zürich", "CH"), ("London", "GB"),
        ("Toronto", "CA"), ("Montréal", "CA"), ("Shanghai", "CN")
    ]
    /// The first four are also the channels a customer engages on, at the same positions.
    static let channels = ["web", "app", "email", "store", "sms", "push"]
    static let noteTexts = [
        "Vegetarian; no meat samples please", "Prefers aisle seat at events", "Shirt size M, shoe size 42",
        "Allergic to nuts", "Call after 6pm only", "Asked not to receive catalogues by post",
        "Buys gifts for two nieces every December", "Hard of hearing: prefers chat to phone",
        "Loyal since the first store opened", "Complained about late delivery in March"
    ]
    static let giftNotes = [
        "Happy birthday, Mia!", "For Grandpa, with love", "Merry Christmas from all of us",
        "Please wrap separately", "Congratulations on the new job", "Thank you, teacher",
        "Get well soon", "Happy anniversary \u{2764}", "To Leo, age 6", "Secret Santa: no price tag, please"
    ]
}
